using Comet.Orchestrator.Tests.Pipelines;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Outbound;

/// <summary>
/// Two orchestrators on one PostgreSQL database, both delivering: the lease lets exactly one of them send each message,
/// and the outbox's queries (claims with the ordering rule, the delivery log) run on PostgreSQL as on SQLite.
/// </summary>
[NonParallelizable]
public sealed class OutboxPostgresTests
{
    [Test]
    public async Task Two_orchestrators_sharing_a_database_send_each_message_once()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        try
        {
            Dictionary<string, string?> Settings() => new()
            {
                ["Database:Provider"] = "postgres",
                ["ConnectionStrings:Comet"] = connectionString,
                ["Outbound:AllowPrivateAddresses"] = "true",
                ["Outbox:PollInterval"] = "00:00:00.050",
                ["Outbox:BaseDelay"] = "00:00:00.050",
                ["Outbox:MaxDelay"] = "00:00:00.200",
            };
            using var first = new OrchestratorFactory(Settings());
            using var client = first.CreateSignedInClient();
            // A second node has a data folder (and node id) of its own, with the first's secret keys, as a real cluster would.
            using var secondData = new TempDirectory("comet-orchestrator-test");
            CopyFolder(Path.Combine(first.DataDir, "keys"), Path.Combine(secondData.Path, "keys"));
            using var second = new OrchestratorFactory(Settings(), secondData.Path);
            using var secondClient = second.CreateSignedInClient(); // starts the second host and its worker
            await using var receiver = await FakeReceiver.StartAsync();
            receiver.Responder = _ => FakeAnswer.Ok with { Delay = TimeSpan.FromMilliseconds(30) };
            var slug = (await client.CreateProjectAsync($"https://github.com/acme/pg-{Guid.NewGuid():N}.git", "github")).Slug;

            var ids = new List<Guid>();
            for (var i = 0; i < 30; i++) ids.Add(await (i % 2 == 0 ? first : second).EnqueueHttpAsync(slug, receiver.Url + "/m/" + i));
            foreach (var id in ids) await client.WaitForDeliveryAsync(id, "delivered");
            await Task.Delay(300);

            Assert.That(receiver.Received.Select(r => r.DeliveryId), Is.Unique, "no message was sent twice");
            Assert.That(receiver.Received.Select(r => r.DeliveryId), Is.EquivalentTo(ids.Select(i => i.ToString())));
            Assert.That((await secondClient.ListOutboundAsync(slug, "delivered")).Count, Is.EqualTo(30));
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var folder in Directory.GetDirectories(from)) CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
    }
}
