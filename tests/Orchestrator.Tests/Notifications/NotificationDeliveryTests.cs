using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comet.Orchestrator.Tests.Outbound;
using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Notifications;

/// <summary>
/// Notifications from real runs through the outbox to loopback stand-ins: a failing then fixed run gives exactly one
/// "failed" and one "fixed" message on each channel (generic webhook, Slack, Telegram, email); branch filters and muting
/// hold; an approval request is announced; a dead destination is dead-lettered and that is announced too.
/// </summary>
public sealed class NotificationDeliveryTests : NotificationTestBase
{
    private const string Pipeline = "jobs:\n  test:\n    steps:\n      - run: test \"${FAIL:-no}\" != yes\n";
    protected override IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?>
    {
        ["Outbox:PollInterval"] = "00:00:00.200",
        ["Outbox:BaseDelay"] = "00:00:00.100",
        ["Outbox:MaxDelay"] = "00:00:00.300",
        ["Outbox:MaxAttempts"] = "3",
    };

    private async Task SubscribeAsync(string slug, object body)
    {
        using var response = await Client.PostAsJsonAsync($"/api/v1/projects/{slug}/subscriptions", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    private static string[] FailedAndFixed => ["run.failed", "run.fixed"];

    [Test]
    public async Task A_failing_then_fixed_run_sends_one_failed_and_one_fixed_message_on_each_channel()
    {
        var (_, project) = await ProjectWithAsync(Pipeline);
        var hook = $"/hook/{project.Slug}";
        var slack = $"/slack/{project.Slug}";
        var chat = "-100" + Random.Shared.Next(100000, 999999);
        var mailbox = $"{project.Slug}@example.com";
        await SubscribeAsync(project.Slug, new { events = FailedAndFixed, channel = new { type = "webhook", url = Receiver.Url + hook, secret = "a-signing-key-of-enough-length" } });
        await SubscribeAsync(project.Slug, new { events = FailedAndFixed, channel = new { type = "slack", webhookUrl = Receiver.Url + slack } });
        await SubscribeAsync(project.Slug, new { events = FailedAndFixed, channel = new { type = "telegram", botToken = BotToken, chatId = chat } });
        await SubscribeAsync(project.Slug, new { events = FailedAndFixed, channel = new { type = "email", to = new[] { mailbox } } });

        var failed = await Client.TriggerAndWaitAsync(project.Slug, new Dictionary<string, string> { ["FAIL"] = "yes" });
        var passed = await Client.TriggerAndWaitAsync(project.Slug);
        var again = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That((failed.Status, passed.Status, again.Status), Is.EqualTo(("failed", "success", "success")));
        var hooks = await Receiver.WaitForAsync(2, r => r.Path == hook);
        var slacks = await Receiver.WaitForAsync(2, r => r.Path == slack);
        var telegrams = await Receiver.WaitForAsync(2, r => r.Path.EndsWith("/sendMessage") && r.Json.GetProperty("chat_id").GetString() == chat);
        var mails = (await Smtp.WaitForAsync(2)).Where(m => m.To.Contains(mailbox)).ToList();
        await Task.Delay(1500); // time for a wrong third message to show up
        Assert.Multiple(() =>
        {
            Assert.That(Receiver.Received.Count(r => r.Path == hook), Is.EqualTo(2), "webhook: exactly two messages");
            Assert.That(hooks.Select(h => h.Json.GetProperty("event").GetString()), Is.EqualTo(FailedAndFixed));
            Assert.That(hooks[0].Json.GetProperty("data").GetProperty("run").GetProperty("number").GetInt64(), Is.EqualTo(failed.Number));
            Assert.That(hooks[1].Json.GetProperty("data").GetProperty("run").GetProperty("number").GetInt64(), Is.EqualTo(passed.Number));
            Assert.That(Receiver.Received.Count(r => r.Path == slack), Is.EqualTo(2), "slack: exactly two messages");
            Assert.That(slacks[0].Json.GetProperty("text").GetString(), Does.Contain($"run #{failed.Number}>").And.EndWith("failed"));
            Assert.That(slacks[1].Json.GetProperty("text").GetString(), Does.Contain($"run #{passed.Number}>").And.Contain("is fixed"));
            Assert.That(telegrams.Select(t => t.Json.GetProperty("text").GetString()![..1]), Is.EqualTo(new[] { "❌", "✅" }));
            Assert.That(Smtp.Mails.Count(m => m.To.Contains(mailbox)), Is.EqualTo(2), "email: exactly two mails");
            Assert.That(mails.Select(m => m.Data.Contains("is fixed")), Is.EqualTo(new[] { false, true }));
        });
    }

    [Test]
    public async Task A_muted_subscription_and_one_for_other_branches_stay_quiet_and_approval_requests_are_announced()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  deploy:\n    when: manual\n    steps:\n      - run: 'true'\n");
        var quiet = $"/quiet/{project.Slug}";
        var loud = $"/loud/{project.Slug}";
        await SubscribeAsync(project.Slug, new { events = new[] { "approval.requested" }, branches = new[] { "release/*" }, channel = new { type = "webhook", url = Receiver.Url + quiet } });
        using (var created = await Client.PostAsJsonAsync($"/api/v1/projects/{project.Slug}/subscriptions", new { events = new[] { "approval.requested" }, channel = new { type = "webhook", url = Receiver.Url + quiet } }))
        {
            var id = (await created.ReadJsonAsync()).GetProperty("id").GetGuid();
            using var mute = await Client.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/subscriptions/{id}", new { muted = true });
            Assert.That(mute.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        await SubscribeAsync(project.Slug, new { events = new[] { "approval.requested" }, branches = new[] { "main" }, channel = new { type = "webhook", url = Receiver.Url + loud } });

        var run = await Client.TriggerAsync(project.Slug);
        await Client.WaitForRunAsync(run.Id, r => r.Job("deploy").Status == "waiting_for_approval", "wait for the click");

        var announced = (await Receiver.WaitForAsync(1, r => r.Path == loud)).Single();
        await Task.Delay(1000);
        Assert.Multiple(() =>
        {
            Assert.That(announced.Json.GetProperty("event").GetString(), Is.EqualTo("approval.requested"));
            Assert.That(announced.Json.GetProperty("data").GetProperty("job").GetProperty("name").GetString(), Is.EqualTo("deploy"));
            Assert.That(Receiver.Received.Count(r => r.Path == quiet), Is.Zero, "muted, or another branch: nothing sent");
        });
    }

    [Test]
    public async Task A_dead_destination_is_dead_lettered_visible_in_the_delivery_log_and_announced()
    {
        var (_, project) = await ProjectWithAsync(Pipeline);
        var dead = $"/dead/{project.Slug}";
        var alerts = $"/alerts/{project.Slug}";
        Receiver.AnswerFor(dead, 503, 503, 503);
        await SubscribeAsync(project.Slug, new { events = new[] { "run.succeeded" }, channel = new { type = "webhook", url = Receiver.Url + dead } });
        await SubscribeAsync(project.Slug, new { events = new[] { "delivery.dead" }, channel = new { type = "slack", webhookUrl = Receiver.Url + alerts } });

        await Client.TriggerAndWaitAsync(project.Slug);

        var alert = (await Receiver.WaitForAsync(1, r => r.Path == alerts)).Single();
        var log = await Client.ListAsync($"/api/v1/projects/{project.Slug}/deliveries?state=dead");
        Assert.Multiple(() =>
        {
            Assert.That(Receiver.Received.Count(r => r.Path == dead), Is.EqualTo(3), "three attempts, then dead");
            Assert.That(alert.Json.GetProperty("text").GetString(), Does.Contain("given up after 3 attempts").And.Contain("run.succeeded via webhook"));
            var item = log.GetProperty("items").EnumerateArray().Single();
            Assert.That(item.GetProperty("state").GetString(), Is.EqualTo("dead"));
            Assert.That(item.GetProperty("attempts").GetInt32(), Is.EqualTo(3));
        });
    }
}
