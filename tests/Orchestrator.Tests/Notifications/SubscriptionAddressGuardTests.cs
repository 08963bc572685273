using System.Net;
using System.Net.Http.Json;
using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Notifications;

/// <summary>
/// Without Outbound:AllowPrivateAddresses, a subscription whose webhook or Slack URL can only reach a private, loopback
/// or link-local address (the cloud metadata service above all) is refused when it is made, not dead-lettered later.
/// </summary>
public sealed class SubscriptionAddressGuardTests : PipelineTestBase
{
    [TestCase("webhook", "url", "http://169.254.169.254/latest/meta-data/", "a link-local address")]
    [TestCase("webhook", "url", "http://[::ffff:127.0.0.1]:8080/hook", "loopback")]
    [TestCase("slack", "webhookUrl", "http://10.0.0.7/services/T0/B0/x", "a private address")]
    [TestCase("webhook", "url", "http://localhost:5080/api/v1/admin/users", "a loopback address")]
    public async Task A_channel_url_that_points_inside_is_refused_when_the_subscription_is_made(string type, string field, string url, string what)
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  a:\n    steps: ['true']\n");
        var channel = new Dictionary<string, string> { ["type"] = type, [field] = url };

        using var response = await Client.PostAsJsonAsync($"/api/v1/projects/{project.Slug}/subscriptions", new { events = new[] { "run.failed" }, channel });

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.GetRawText(), Does.Contain(what).And.Contain("Outbound:AllowPrivateAddresses"));
        Assert.That((await Client.ListAsync($"/api/v1/projects/{project.Slug}/subscriptions")).GetArrayLength(), Is.Zero);
    }
}
