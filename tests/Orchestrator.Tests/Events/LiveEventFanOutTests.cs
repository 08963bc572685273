using System.Diagnostics;
using System.Net;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Events;

/// <summary>
/// Two orchestrators on one PostgreSQL database and one Redis: a client of B sees a run made on A at once. The feeds
/// poll only every 30 s here, so only the Redis wake-up can bring the events in time. Needs COMET_TEST_POSTGRES and
/// COMET_TEST_REDIS (./dev.sh test sets both); skipped without them.
/// </summary>
[NonParallelizable]
public sealed class LiveEventFanOutTests
{
    [Test]
    public async Task A_client_of_one_orchestrator_sees_a_run_made_on_another_at_once()
    {
        TestPostgres.RequireServer();
        var redis = Environment.GetEnvironmentVariable("COMET_TEST_REDIS");
        if (string.IsNullOrWhiteSpace(redis))
        {
            if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 }) Assert.Fail("COMET_TEST_REDIS is not set; `./dev.sh test` starts Redis and sets it.");
            Assert.Ignore("COMET_TEST_REDIS is not set; run `./dev.sh test` to run the Redis tests.");
        }
        var database = await TestPostgres.CreateDatabaseAsync();
        using var dataDir = new TempDirectory("comet-events-fanout");
        using var repository = TestRepository.Create("""
            jobs:
              build:
                steps:
                  - run: echo built
            """);
        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["Database:Provider"] = "postgres",
                ["ConnectionStrings:Comet"] = database,
                ["Redis:Configuration"] = redis,
                ["Events:PollInterval"] = "00:00:30",
                ["Runner:PollInterval"] = "00:00:00.200",
            };
            // One data folder: the same keys, so both read the same secrets and tokens (as nodes of one install do).
            using var a = Started(settings, dataDir.Path, out var aUrl);
            // B's dispatcher sleeps too: were it to claim A's job, its own commit would wake its feed without Redis.
            using var b = Started(new Dictionary<string, string?>(settings) { ["Runner:PollInterval"] = "00:00:30" }, dataDir.Path, out var bUrl);
            using var onA = OrchestratorFactory.SignIn(Client(aUrl), OrchestratorFactory.AdminName, OrchestratorFactory.AdminPassword);
            using var onB = OrchestratorFactory.SignIn(Client(bUrl), OrchestratorFactory.AdminName, OrchestratorFactory.AdminPassword);
            var project = await onA.CreateProjectAsync(repository.Url);

            await using var stream = await SseClient.ConnectAsync(onB, $"/api/v1/events?project={project.Slug}");
            await Task.Delay(1500); // B's feed has read its starting point and is asleep for its 30 s poll
            var clock = Stopwatch.StartNew();
            var run = await onA.TriggerAsync(project.Slug);
            var queued = await stream.ReadUntilAsync(e => e.Type == "run.queued", TimeSpan.FromSeconds(10));

            Assert.Multiple(() =>
            {
                Assert.That(queued[^1].Str("runId"), Is.EqualTo(run.Id.ToString()));
                Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "woken through Redis, not by B's 30 s poll");
            });
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    private static OrchestratorFactory Started(Dictionary<string, string?> settings, string dataDir, out Uri url)
    {
        var port = FreePort.Next();
        var factory = new OrchestratorFactory(settings, dataDir);
        factory.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        factory.StartServer();
        url = new Uri($"http://127.0.0.1:{port}/");
        return factory;
    }

    private static HttpClient Client(Uri url) => new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };
}
