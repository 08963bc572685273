using System.Net;
using System.Net.Http.Json;
using Comet.Application.Outbound;
using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Outbound;

/// <summary>
/// An orchestrator with the default outbound rules (private addresses refused) and a poll so long that only the
/// commit's wake-up can explain a prompt attempt.
/// </summary>
public sealed class OutboxDefaultsTests : PipelineTestBase
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Outbox:PollInterval"] = "00:10:00",
    };

    [Test]
    public async Task A_commit_wakes_the_worker_and_a_loopback_destination_is_refused_for_good()
    {
        await using var receiver = await FakeReceiver.StartAsync();
        var slug = (await Client.CreateProjectAsync($"https://github.com/acme/defaults-{Guid.NewGuid():N}.git", "github")).Slug;
        await Task.Delay(500); // past the worker's first pass at start-up

        var started = DateTime.UtcNow;
        var id = await Factory.EnqueueHttpAsync(slug, receiver.Url + "/inside");

        var dead = await Client.WaitForDeliveryAsync(id, "dead", seconds: 10);
        Assert.Multiple(() =>
        {
            Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(10)), "sent after the commit, not after the 10-minute poll");
            Assert.That(dead.GetProperty("deadReason").GetString(),
                Is.EqualTo($"rejected: refused: 127.0.0.1 is a loopback address (127.0.0.1); {OutboundAddressRules.Rule}"));
            Assert.That(receiver.Received, Is.Empty, "no connection was made");
        });
    }

    [Test]
    public async Task A_forge_status_api_url_on_a_refused_address_is_a_400_naming_the_rule()
    {
        var slug = (await Client.CreateProjectAsync($"https://github.com/acme/guard-{Guid.NewGuid():N}.git", "github")).Slug;
        await Client.SetSecretAsync(slug, "STATUS_TOKEN", "x");

        using var put = await Client.PutAsJsonAsync($"/api/v1/projects/{slug}/forge-status",
            new { apiUrl = "http://169.254.169.254/latest", tokenSecret = "STATUS_TOKEN" });

        var problem = await put.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.GetRawText(), Does.Contain(
            $"apiUrl 'http://169.254.169.254/latest' points at a link-local address: {OutboundAddressRules.Rule}."));
    }
}
