using Comet.Application.Common.Interfaces;
using Comet.Application.Outbound;
using Comet.Domain.Outbound;
using Comet.Orchestrator.Tests.Pipelines;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests.Outbound;

/// <summary>Dead-letter handlers run in the SaveChanges that marks a message dead: what they add commits with it.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class DeadLetterTests
{
    /// <summary>Like a notification subscription to delivery.dead: tells another receiver, through the outbox.</summary>
    private sealed class TellSomeone(string url) : IDeadLetterHandler
    {
        public Task OnDeadAsync(DeadLetter dead, ICometDbContext db, CancellationToken cancellationToken)
        {
            if (dead.Kind == OutboundKinds.Notification && dead.Summary.StartsWith("dead:", StringComparison.Ordinal)) return Task.CompletedTask;
            var payload = System.Text.Json.JsonSerializer.Serialize(new HttpPayload("POST", url, new Dictionary<string, string>(),
                $"{{\"dead\":\"{dead.MessageId}\",\"attempts\":{dead.Attempts}}}"), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
            db.OutboxMessages.Add(new OutboxMessage(dead.ProjectId, OutboundKinds.Notification, OutboundChannels.Http, new Uri(url).GetLeftPart(UriPartial.Authority),
                payload, "dead: " + dead.Summary, DateTime.UtcNow));
            return Task.CompletedTask;
        }
    }

    [Test]
    public async Task A_dead_letter_handler_adds_a_message_in_the_transaction_that_marks_one_dead()
    {
        await using var refusing = await FakeReceiver.StartAsync();
        refusing.Responder = _ => new FakeAnswer(410, "gone");
        await using var watcher = await FakeReceiver.StartAsync();
        using var baseFactory = new OrchestratorFactory(new Dictionary<string, string?>
        {
            ["Outbound:AllowPrivateAddresses"] = "true",
            ["Outbox:PollInterval"] = "00:00:00.100",
        });
        using var factory = baseFactory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.AddScoped<IDeadLetterHandler>(_ => new TellSomeone(watcher.Url + "/dead"))));
        using var client = factory.CreateClient();
        OrchestratorFactory.SignIn(client, OrchestratorFactory.AdminName, OrchestratorFactory.AdminPassword);
        var slug = (await client.CreateProjectAsync($"https://github.com/acme/dead-{Guid.NewGuid():N}.git", "github")).Slug;

        var id = await EnqueueAsync(factory, slug, refusing.Url + "/gone");

        await client.WaitForDeliveryAsync(id, "dead");
        var told = await watcher.WaitForAsync(r => r.Count >= 1, "the dead-letter notice");
        Assert.That(told.Single().Json.GetProperty("dead").GetString(), Is.EqualTo(id.ToString()));
        Assert.That(told.Single().Json.GetProperty("attempts").GetInt32(), Is.EqualTo(1));
    }

    private static async Task<Guid> EnqueueAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, string slug, string url)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
        var projectId = await db.Projects.Where(p => p.Slug == slug).Select(p => p.Id).SingleAsync();
        var payload = System.Text.Json.JsonSerializer.Serialize(new HttpPayload("POST", url, new Dictionary<string, string>(), "{}"),
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        scope.ServiceProvider.GetRequiredService<IOutbox>().Enqueue(new OutboundMessage(projectId, OutboundKinds.ForgeStatus, OutboundChannels.Http,
            new Uri(url).GetLeftPart(UriPartial.Authority), payload, "to be refused"));
        await db.SaveChangesAsync();
        return await db.OutboxMessages.Where(m => m.Summary == "to be refused" && m.ProjectId == projectId).Select(m => m.Id).SingleAsync();
    }
}
