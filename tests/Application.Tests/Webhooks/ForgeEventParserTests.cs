using System.Net;
using System.Text;
using Comet.Application.Webhooks;
using Comet.Domain.Projects;

namespace Comet.Application.Tests.Webhooks;

/// <summary>What every forge's parser does with a body that is not a usable JSON object.</summary>
public sealed class ForgeEventParserTests
{
    private static readonly Forge[] Forges = [Forge.Github, Forge.Gitlab, Forge.Gitea, Forge.Generic];

    private static string PushEventName(Forge forge) => forge == Forge.Gitlab ? "Push Hook" : "push";

    [Test]
    public void Truncated_json_is_refused_with_a_message_that_says_it_is_not_valid_json(
        [ValueSource(nameof(Forges))] Forge forge)
    {
        var truncated = GithubPayloads.Push[..200];

        var error = Assert.Throws<WebhookPayloadException>(() =>
            ForgeEventParser.Parse(forge, PushEventName(forge), Payload.Bytes(truncated)));

        Assert.That(error!.Message, Does.StartWith("Webhook payload is not valid JSON:"));
    }

    [TestCase("{\"ref\": \"refs/heads/main\",}")]
    [TestCase("{'ref': 'refs/heads/main'}")]
    [TestCase("<html><body>Bad gateway</body></html>")]
    [TestCase("{\"ref\": \"refs/heads/main\"} trailing")]
    public void Malformed_json_is_refused(string body)
    {
        Assert.Throws<WebhookPayloadException>(() => ForgeEventParser.Parse(Forge.Github, "push", Payload.Bytes(body)));
    }

    [Test]
    public void Malformed_json_is_refused_even_for_events_that_would_be_ignored()
    {
        Assert.Throws<WebhookPayloadException>(() => ForgeEventParser.Parse(Forge.Github, "issues", Payload.Bytes("{")));
    }

    [TestCase("")]
    [TestCase("  \r\n ")]
    public void Empty_body_is_refused_as_empty(string body)
    {
        var error = Assert.Throws<WebhookPayloadException>(() => ForgeEventParser.Parse(Forge.Gitea, "push", Payload.Bytes(body)));

        Assert.That(error!.Message, Does.Contain("empty"));
    }

    [TestCase("[]", "an array")]
    [TestCase("\"push\"", "a string")]
    [TestCase("null", "null")]
    [TestCase("42", "a number")]
    public void Json_that_is_not_an_object_is_refused_and_says_what_it_was(string body, string described)
    {
        var error = Assert.Throws<WebhookPayloadException>(() => ForgeEventParser.Parse(Forge.Gitlab, "Push Hook", Payload.Bytes(body)));

        Assert.That(error!.Message, Is.EqualTo($"Webhook payload must be a JSON object, not {described}."));
    }

    [Test]
    public void Invalid_utf8_is_refused_as_a_payload_error()
    {
        byte[] body = [.. "{\"ref\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.Throws<WebhookPayloadException>(() => ForgeEventParser.Parse(Forge.Github, "push", body));
    }

    [Test]
    public void Form_encoded_payload_is_read_like_json()
    {
        var body = Encoding.UTF8.GetBytes("payload=" + WebUtility.UrlEncode(GithubPayloads.Push));

        var e = ForgeEventParser.Parse(Forge.Github, "push", body);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Push));
            Assert.That(e.CommitMessage, Is.EqualTo("Fix countdown off-by-one\n\nThe countdown started at 11."));
        });
    }

    [Test]
    public void Byte_order_mark_before_the_json_is_tolerated()
    {
        byte[] body = [0xEF, 0xBB, 0xBF, .. Payload.Bytes(GiteaPayloads.Push)];

        Assert.That(ForgeEventParser.Parse(Forge.Gitea, "push", body).Kind, Is.EqualTo(ForgeEventKind.Push));
    }

    [Test]
    public void Fields_of_an_unexpected_kind_read_as_missing_instead_of_failing()
    {
        var json = Payload.With(GithubPayloads.Push, p =>
        {
            p["head_commit"] = "not an object";
            p["commits"] = new System.Text.Json.Nodes.JsonObject();
            p["repository"] = new System.Text.Json.Nodes.JsonArray();
            p["sender"] = 17;
        });

        var e = ForgeEventParser.Parse(Forge.Github, "push", Payload.Bytes(json));

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Push));
            Assert.That(e.Sha, Is.EqualTo(GithubPayloads.HeadSha));
            Assert.That(e.CommitMessage, Is.Null);
            Assert.That(e.ChangedFiles, Is.Null);
            Assert.That(e.RepositoryUrls, Is.Empty);
            Assert.That(e.Sender, Is.EqualTo("ada"));
        });
    }
}
