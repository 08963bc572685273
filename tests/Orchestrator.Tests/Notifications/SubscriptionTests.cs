using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comet.Application.Notifications;
using Comet.Application.Outbound;
using Comet.Infrastructure.Notifications;
using Comet.Orchestrator.Tests.Outbound;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.Orchestrator.Tests.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests.Notifications;

/// <summary>
/// Subscriptions through the API (made, listed without credentials, changed, muted, deleted, refused when malformed,
/// role-checked) and each channel sending to a loopback stand-in for the outside world: the generic webhook signed with
/// HMAC-SHA256, Slack's blocks, the Telegram Bot API, and mail over SMTP to a local sink.
/// </summary>
public sealed class SubscriptionTests : NotificationTestBase
{
    private async Task<(HttpResponseMessage Response, JsonElement Body)> CreateAsync(string slug, object body)
    {
        var response = await Client.PostAsJsonAsync($"/api/v1/projects/{slug}/subscriptions", body);
        return (response, await response.ReadJsonAsync());
    }

    private async Task<JsonElement> CreatedAsync(string slug, object body)
    {
        var (response, json) = await CreateAsync(slug, body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), json.ToString());
        response.Dispose();
        return json;
    }

    /// <summary>Sends a rendered notification through the named channel for the subscription, as the outbox worker does.</summary>
    private async Task<DeliveryOutcome> SendAsync(string channel, Guid subscriptionId, string text = "run #7 failed")
    {
        var payload = new NotificationPayload("run.failed", "[Comet] run #7 failed", text, "https://ci.example.com/api/v1/runs/7",
            new Dictionary<string, object?> { ["event"] = "run.failed", ["run"] = new Dictionary<string, object?> { ["number"] = 7 } });
        var message = new OutboundMessage(null, OutboundKinds.Notification, channel, channel, JsonSerializer.Serialize(payload, new JsonSerializerOptions(JsonSerializerDefaults.Web)),
            "run.failed via " + channel) { SourceId = subscriptionId, DeliveryId = Guid.NewGuid() };
        var sender = Factory.Services.GetServices<IOutboundChannel>().Single(c => c.Name == channel);
        return await sender.SendAsync(message, credential: null, CancellationToken.None);
    }

    [Test]
    public async Task A_subscription_is_made_listed_without_its_credential_changed_muted_and_deleted()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  a:\n    steps: ['true']\n");

        var slack = await CreatedAsync(project.Slug, new
        {
            events = new[] { "run.failed", "run.fixed" }, branches = new[] { "main" },
            channel = new { type = "slack", webhookUrl = "https://hooks.slack.example/services/T0/B0/secretpart" },
            templates = new Dictionary<string, string> { ["run.fixed"] = "{{ project.name }} is green again" },
        });
        var webhook = await CreatedAsync(project.Slug, new { events = new[] { "deployment.finished" }, channel = new { type = "webhook", url = "https://hooks.example.com/comet" } });
        var listed = await Client.ListAsync($"/api/v1/projects/{project.Slug}/subscriptions");

        Assert.Multiple(() =>
        {
            Assert.That(slack.GetProperty("channel").GetProperty("type").GetString(), Is.EqualTo("slack"));
            Assert.That(slack.GetProperty("channel").GetProperty("hasSecret").GetBoolean(), Is.True);
            Assert.That(slack.GetProperty("templates").GetProperty("run.fixed").GetString(), Is.EqualTo("{{ project.name }} is green again"));
            Assert.That(slack.GetRawText(), Does.Not.Contain("secretpart"), "the Slack URL is the credential");
            Assert.That(webhook.GetProperty("signingSecret").GetString(), Does.StartWith("whsec_"), "Comet made the signing key and shows it once");
            Assert.That(webhook.GetProperty("channel").GetProperty("url").GetString(), Is.EqualTo("https://hooks.example.com/comet"));
            Assert.That(listed.GetArrayLength(), Is.EqualTo(2));
            Assert.That(listed.GetRawText(), Does.Not.Contain("secretpart").And.Not.Contain(webhook.GetProperty("signingSecret").GetString()!));
        });

        var id = slack.GetProperty("id").GetGuid();
        using (var muted = await Client.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/subscriptions/{id}", new { muted = true, events = new[] { "run.failed" } }))
        {
            var body = await muted.ReadJsonAsync();
            Assert.That(muted.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
            Assert.That((body.GetProperty("muted").GetBoolean(), body.GetProperty("events").GetArrayLength()), Is.EqualTo((true, 1)));
            Assert.That(body.GetProperty("branches")[0].GetString(), Is.EqualTo("main"), "left out: kept");
        }
        using (var deleted = await Client.DeleteAsync($"/api/v1/projects/{project.Slug}/subscriptions/{id}"))
            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using (var again = await Client.DeleteAsync($"/api/v1/projects/{project.Slug}/subscriptions/{id}"))
            await again.ReadProblemAsync(HttpStatusCode.NotFound);
        var audit = await Client.ListAsync("/api/v1/admin/audit?action=subscription_created&pageSize=100");
        Assert.That(audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("detail").GetString()),
            Has.Some.Contains($"slack subscription {id}").And.None.Contains("secretpart"));
    }

    [TestCase("{\"events\": [\"run.exploded\"], \"channel\": {\"type\": \"slack\", \"webhookUrl\": \"https://hooks.slack.example/x\"}}", "events is a non-empty list of run.failed")]
    [TestCase("{\"events\": [], \"channel\": {\"type\": \"slack\", \"webhookUrl\": \"https://hooks.slack.example/x\"}}", "events is a non-empty list")]
    [TestCase("{\"events\": [\"run.failed\"]}", "channel is required")]
    [TestCase("{\"events\": [\"run.failed\"], \"channel\": {\"type\": \"pager\"}}", "channel type is one of webhook, slack, telegram, email, not 'pager'")]
    [TestCase("{\"events\": [\"run.failed\"], \"channel\": {\"type\": \"webhook\", \"url\": \"ftp://example.com/\"}}", "a webhook channel needs url, an absolute http(s) address")]
    [TestCase("{\"events\": [\"run.failed\"], \"channel\": {\"type\": \"webhook\", \"url\": \"https://example.com/\", \"secret\": \"short\"}}", "secret is at least 16 characters")]
    [TestCase("{\"events\": [\"run.failed\"], \"channel\": {\"type\": \"telegram\", \"botToken\": \"nope\", \"chatId\": \"42\"}}", "botToken as BotFather gives it")]
    [TestCase("{\"events\": [\"run.failed\"], \"channel\": {\"type\": \"email\", \"to\": [\"not an address\"]}}", "'not an address' is not a mail address")]
    [TestCase("{\"events\": [\"run.failed\"], \"channel\": {\"type\": \"email\", \"to\": [\"a@example.com\"]}, \"template\": \"{% if run.status %}\"}", "template is not valid Liquid")]
    [TestCase("{\"events\": [\"run.failed\"], \"channel\": {\"type\": \"email\", \"to\": [\"a@example.com\"]}, \"templates\": {\"run.exploded\": \"x\"}}", "'run.exploded' is not an event")]
    [TestCase("{\"events\": [\"run.failed\"], \"channel\": {\"type\": \"email\", \"to\": [\"a@example.com\"]}, \"templates\": {\"run.failed\": \"{{ run.number \"}}", "the template for run.failed is not valid Liquid")]
    public async Task A_malformed_subscription_is_refused_with_what_is_wrong(string body, string expected)
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  a:\n    steps: ['true']\n");

        using var response = await Client.PostAsync($"/api/v1/projects/{project.Slug}/subscriptions",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.GetRawText(), Does.Contain(expected));
        Assert.That((await Client.ListAsync($"/api/v1/projects/{project.Slug}/subscriptions")).GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task Developers_may_not_manage_subscriptions_and_strangers_do_not_see_the_project()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  a:\n    steps: ['true']\n");
        var (developerName, developer) = await Factory.NewUserAsync(Client);
        await Client.AddMemberAsync(project.Slug, developerName, "developer");
        var (_, stranger) = await Factory.NewUserAsync(Client);
        using var _d = developer;
        using var _s = stranger;
        var body = new { events = new[] { "run.failed" }, channel = new { type = "email", to = new[] { "team@example.com" } } };

        using var byDeveloper = await developer.PostAsJsonAsync($"/api/v1/projects/{project.Slug}/subscriptions", body);
        using var byStranger = await stranger.GetAsync($"/api/v1/projects/{project.Slug}/subscriptions");

        await byDeveloper.ReadProblemAsync(HttpStatusCode.Forbidden);
        await byStranger.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task The_preview_renders_the_default_and_a_custom_liquid_template_against_a_sample_event()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  a:\n    steps: ['true']\n");
        var path = $"/api/v1/projects/{project.Slug}/subscriptions/preview";

        using var byDefault = await Client.PostAsJsonAsync(path, new { @event = "run.failed", channel = "email" });
        using var custom = await Client.PostAsJsonAsync(path, new
        {
            @event = "approval.requested", channel = "slack",
            template = "{{ run.triggered_by }} asks: {{ job.name }} → {{ job.environment | upcase }} ({{ run.short_sha }})",
        });
        var first = await byDefault.ReadJsonAsync();
        var second = await custom.ReadJsonAsync();

        Assert.Multiple(() =>
        {
            Assert.That(byDefault.StatusCode, Is.EqualTo(HttpStatusCode.OK), first.ToString());
            Assert.That(first.GetProperty("text").GetString(), Does.StartWith("❌ ").And.Contain("run #42 on main (1a2b3c4) failed"));
            Assert.That(first.GetProperty("subject").GetString(), Does.StartWith("[Comet] ❌").And.Contain("run #42 on main"));
            Assert.That(second.GetProperty("text").GetString(), Is.EqualTo("alice asks: deploy → PRODUCTION (1a2b3c4)"));
        });
    }

    [Test]
    public async Task The_generic_webhook_posts_the_event_signed_with_hmac_sha256_of_the_body()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  a:\n    steps: ['true']\n");
        const string key = "a-signing-key-of-enough-length";
        var subscription = await CreatedAsync(project.Slug, new
        {
            events = new[] { "run.failed" }, channel = new { type = "webhook", url = Receiver.Url + "/hook", secret = key },
        });

        var outcome = await SendAsync("webhook", subscription.GetProperty("id").GetGuid());

        var received = (await Receiver.WaitForAsync(1, r => r.Path == "/hook")).Single();
        Assert.Multiple(() =>
        {
            Assert.That(outcome.Result, Is.EqualTo(DeliveryResult.Delivered), outcome.ToString());
            Assert.That(outcome.Request, Is.EqualTo($"POST {Receiver.Url}/hook"));
            Assert.That(received.Headers["X-Comet-Signature-256"], Is.EqualTo(WebhookChannel.Sign(key, System.Text.Encoding.UTF8.GetBytes(received.Body))));
            Assert.That(received.Headers["X-Comet-Signature-256"], Is.Not.EqualTo(WebhookChannel.Sign("another key of enough length", System.Text.Encoding.UTF8.GetBytes(received.Body))));
            Assert.That(received.Headers["X-Comet-Event"], Is.EqualTo("run.failed"));
            Assert.That(received.Json.GetProperty("event").GetString(), Is.EqualTo("run.failed"));
            Assert.That(received.Json.GetProperty("text").GetString(), Is.EqualTo("run #7 failed"));
            Assert.That(received.Json.GetProperty("data").GetProperty("run").GetProperty("number").GetInt32(), Is.EqualTo(7));
        });
    }

    [Test]
    public async Task Slack_gets_blocks_with_a_link_and_telegram_gets_send_message_with_the_token_kept_out_of_the_log()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  a:\n    steps: ['true']\n");
        var slack = await CreatedAsync(project.Slug, new { events = new[] { "run.failed" }, channel = new { type = "slack", webhookUrl = Receiver.Url + "/services/T0/B0/slacksecret" } });
        var telegram = await CreatedAsync(project.Slug, new { events = new[] { "run.failed" }, channel = new { type = "telegram", botToken = BotToken, chatId = "-100200300" } });

        var slackOutcome = await SendAsync("slack", slack.GetProperty("id").GetGuid(), "*shop* run #7 failed");
        var telegramOutcome = await SendAsync("telegram", telegram.GetProperty("id").GetGuid());

        var slackRequest = (await Receiver.WaitForAsync(1, r => r.Path == "/services/T0/B0/slacksecret")).Single();
        var telegramRequest = (await Receiver.WaitForAsync(1, r => r.Path == $"/telegram/bot{BotToken}/sendMessage")).Single();
        Assert.Multiple(() =>
        {
            Assert.That((slackOutcome.Result, telegramOutcome.Result), Is.EqualTo((DeliveryResult.Delivered, DeliveryResult.Delivered)));
            Assert.That(slackOutcome.Request, Does.Not.Contain("slacksecret"));
            Assert.That(telegramOutcome.Request, Does.Not.Contain(BotToken).And.EndWith("/bot…/sendMessage"));
            Assert.That(slackRequest.Json.GetProperty("text").GetString(), Is.EqualTo("*shop* run #7 failed"));
            var blocks = slackRequest.Json.GetProperty("blocks");
            Assert.That(blocks[0].GetProperty("text").GetProperty("type").GetString(), Is.EqualTo("mrkdwn"));
            Assert.That(blocks[1].GetProperty("elements")[0].GetProperty("url").GetString(), Is.EqualTo("https://ci.example.com/api/v1/runs/7"));
            Assert.That(telegramRequest.Json.GetProperty("chat_id").GetString(), Is.EqualTo("-100200300"));
            Assert.That(telegramRequest.Json.GetProperty("text").GetString(), Is.EqualTo("run #7 failed"));
        });
    }

    [Test]
    public async Task Mail_goes_over_smtp_to_the_sink_and_a_refused_recipient_is_final()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  a:\n    steps: ['true']\n");
        var subscription = await CreatedAsync(project.Slug, new { events = new[] { "run.failed" }, channel = new { type = "email", to = new[] { "team@example.com", "lead@example.com" } } });
        var id = subscription.GetProperty("id").GetGuid();

        var outcome = await SendAsync("email", id);
        var mail = (await Smtp.WaitForAsync(1)).Single();
        Smtp.RefuseRecipientsWith = "550 5.1.1 no such user";
        var refused = await SendAsync("email", id);
        Smtp.RefuseRecipientsWith = null;

        Assert.Multiple(() =>
        {
            Assert.That(outcome.Result, Is.EqualTo(DeliveryResult.Delivered), outcome.ToString());
            Assert.That(mail.From, Is.EqualTo("ci@example.com"));
            Assert.That(mail.To, Is.EqualTo(new[] { "team@example.com", "lead@example.com" }));
            Assert.That(mail.Data, Does.Contain("Subject: [Comet] run #7 failed").And.Contain("run #7 failed"));
            Assert.That((refused.Result, refused.StatusCode), Is.EqualTo((DeliveryResult.Rejected, (int?)550)), refused.ToString());
        });
    }

    [Test]
    public async Task A_person_subscribes_for_a_project_they_belong_to_and_no_one_else_sees_or_changes_it()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  a:\n    steps: ['true']\n");
        var (_, other) = await ProjectWithAsync("jobs:\n  a:\n    steps: ['true']\n");
        var (aliceName, alice) = await Factory.NewUserAsync(Client);
        var (_, bob) = await Factory.NewUserAsync(Client);
        using var _a = alice;
        using var _b = bob;
        await Client.AddMemberAsync(project.Slug, aliceName, "viewer");
        var body = new { project = project.Slug, events = new[] { "run.failed" }, channel = new { type = "email", to = new[] { "alice@example.com" } } };

        using var created = await alice.PostAsJsonAsync("/api/v1/me/subscriptions", body);
        using var notMember = await alice.PostAsJsonAsync("/api/v1/me/subscriptions", body with { project = other.Slug });
        var subscription = await created.ReadJsonAsync();
        var id = subscription.GetProperty("id").GetGuid();
        using var bobsList = await bob.GetAsync("/api/v1/me/subscriptions");
        using var bobMutes = await bob.PutAsJsonAsync($"/api/v1/me/subscriptions/{id}", new { muted = true });
        using var aliceMutes = await alice.PutAsJsonAsync($"/api/v1/me/subscriptions/{id}", new { muted = true });

        Assert.Multiple(async () =>
        {
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), subscription.ToString());
            Assert.That(subscription.GetProperty("personal").GetBoolean(), Is.True);
            await notMember.ReadProblemAsync(HttpStatusCode.NotFound);
            Assert.That((await bobsList.ReadJsonAsync()).GetArrayLength(), Is.Zero);
            await bobMutes.ReadProblemAsync(HttpStatusCode.NotFound);
            Assert.That((await aliceMutes.ReadJsonAsync()).GetProperty("muted").GetBoolean(), Is.True);
            Assert.That((await Client.ListAsync($"/api/v1/projects/{project.Slug}/subscriptions")).GetArrayLength(), Is.Zero,
                "a personal subscription is not the project's");
        });
    }
}
