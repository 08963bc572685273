using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Outbound;

/// <summary>
/// Crash safety with the built orchestrator as a real process: a status committed but not yet delivered — its
/// destination down, or the process killed with SIGKILL while the attempt is in flight — is delivered after the
/// restart, and exactly once answered per message (receivers de-duplicate by X-Comet-Delivery).
/// </summary>
[NonParallelizable]
public sealed class OutboxCrashTests
{
    private const string Admin = "crash-admin";
    private const string Password = "crash-admin-password";
    private const string Pipeline = """
        jobs:
          build:
            steps:
              - run: echo building
        """;

    private sealed class Orchestrator : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        public Orchestrator(string dataDir, int port)
        {
            Port = port;
            var dll = Path.Combine(AppContext.BaseDirectory, "Comet.Orchestrator.dll");
            var start = ChildProcess.Dotnet(dll, dataDir);
            start.Environment.Remove("ConnectionStrings__Comet");
            start.Environment["COMET_DATA_DIR"] = dataDir;
            start.Environment["COMET_ORCHESTRATOR_PORT"] = port.ToString(CultureInfo.InvariantCulture);
            start.Environment["Identity__BootstrapAdmin"] = $"{Admin}:{Password}";
            start.Environment["Database__Provider"] = "sqlite";
            start.Environment["Runner__PollInterval"] = "00:00:00.200";
            start.Environment["Runner__WorkDirectory"] = Path.Combine(dataDir, "work");
            start.Environment["Outbound__AllowPrivateAddresses"] = "true";
            start.Environment["Outbox__PollInterval"] = "00:00:00.100";
            start.Environment["Outbox__BaseDelay"] = "00:00:00.100";
            start.Environment["Outbox__MaxDelay"] = "00:00:00.500";
            start.Environment["Outbox__MaxAttempts"] = "1000";
            // Connection refusals while the destination is down must not open the breaker for the length of the test.
            start.Environment["Outbox__BreakerMinimumThroughput"] = "1000";
            _process = Process.Start(start)!;
            _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
            _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public int Port { get; }

        public string Output
        {
            get { lock (_output) return _output.ToString(); }
        }

        public async Task<HttpClient> SignInAsync()
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!await ChildProcess.IsListeningAsync(Port))
            {
                if (_process.HasExited || DateTime.UtcNow > deadline) Assert.Fail("the orchestrator did not start:\n" + Output);
                await Task.Delay(100);
            }
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port}") };
            return OrchestratorFactory.SignIn(client, Admin, Password);
        }

        /// <summary>SIGKILL, as a crash or the OOM killer ends it: no shutdown code runs.</summary>
        public async Task KillAsync()
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited) await KillAsync();
            _process.Dispose();
        }
    }

    [Test]
    public async Task A_status_in_flight_when_the_orchestrator_is_killed_is_delivered_once_after_the_restart()
    {
        using var data = new TempDirectory("comet-outbox-crash");
        using var repository = TestRepository.Create(Pipeline);
        await using var forge = await FakeReceiver.StartAsync();
        var first = 0;
        // The first status hangs (the forge is slow), so the process dies with the attempt in flight.
        forge.Responder = _ => Interlocked.Increment(ref first) == 1 ? new FakeAnswer(200) { Hang = true } : FakeAnswer.Ok;

        var port = FreePort.Next();
        string slug;
        Guid runId;
        await using (var doomed = new Orchestrator(data.Path, port))
        {
            using var client = await doomed.SignInAsync();
            slug = await ForgeStatusProjectAsync(client, repository, forge.Url);
            runId = (await client.TriggerAsync(slug, sha: repository.HeadSha)).Id;
            await forge.WaitForAsync(r => r.Count >= 1, "the first status");
            await doomed.KillAsync();
        }
        var hung = forge.Received[0].DeliveryId;
        Assert.That(forge.Answered, Is.Empty, "nothing was answered before the crash");

        await using var restarted = new Orchestrator(data.Path, port);
        using var again = await restarted.SignInAsync();
        await again.WaitForEndAsync(runId);
        var delivered = await WaitForAllDeliveredAsync(again, slug, restarted);

        var answeredIds = forge.Answered.Select(r => r.DeliveryId).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(answeredIds, Is.Unique, "each message is answered once");
            Assert.That(answeredIds, Is.EquivalentTo(delivered.Select(d => d.GetProperty("id").GetGuid().ToString())));
            Assert.That(answeredIds, Does.Contain(hung), "the status in flight at the crash is delivered after the restart");
            Assert.That(forge.Received.Count(r => r.DeliveryId == hung), Is.EqualTo(2), "sent once before the crash, once after");
            Assert.That(forge.Answered.First().DeliveryId, Is.EqualTo(hung), "statuses of one commit and context keep their order");
        });
    }

    [Test]
    public async Task A_status_committed_while_the_forge_is_down_is_delivered_once_after_a_kill_and_restart()
    {
        using var data = new TempDirectory("comet-outbox-crash");
        using var repository = TestRepository.Create(Pipeline);
        var forgePort = FreePort.Next();
        var forgeUrl = $"http://127.0.0.1:{forgePort}";

        var port = FreePort.Next();
        string slug;
        Guid runId;
        await using (var doomed = new Orchestrator(data.Path, port))
        {
            using var client = await doomed.SignInAsync();
            slug = await ForgeStatusProjectAsync(client, repository, forgeUrl);
            runId = (await client.TriggerAsync(slug, sha: repository.HeadSha)).Id;
            await client.WaitForEndAsync(runId);
            await WaitAsync(async () => (await client.ListOutboundAsync(slug)).Any(d => d.GetProperty("attempts").GetInt32() >= 1),
                "an attempt on the forge that is down");
            await doomed.KillAsync();
        }

        await using var forge = await FakeReceiver.StartAsync(forgePort);
        await using var restarted = new Orchestrator(data.Path, port);
        using var again = await restarted.SignInAsync();
        var delivered = await WaitForAllDeliveredAsync(again, slug, restarted);

        Assert.That(forge.Answered.Select(r => r.DeliveryId), Is.Unique);
        Assert.That(forge.Answered.Select(r => r.DeliveryId), Is.EquivalentTo(delivered.Select(d => d.GetProperty("id").GetGuid().ToString())));
        // pending, running (when a save saw the run running) and the result, in order.
        Assert.That(forge.Answered.Select(r => r.Json.GetProperty("description").GetString()),
            Is.EqualTo(new[] { "Run #1 is queued", "Run #1 is running", "Run #1 succeeded" }).Or.EqualTo(new[] { "Run #1 is queued", "Run #1 succeeded" }));
    }

    private static async Task<string> ForgeStatusProjectAsync(HttpClient client, TestRepository repository, string forgeUrl)
    {
        var project = await client.CreateProjectAsync(repository.Url, "github");
        await client.SetSecretAsync(project.Slug, "STATUS_TOKEN", "crash-token");
        using var put = await client.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/forge-status",
            new { apiUrl = forgeUrl, tokenSecret = "STATUS_TOKEN", repository = "acme/widgets" });
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
        return project.Slug;
    }

    private static async Task<List<System.Text.Json.JsonElement>> WaitForAllDeliveredAsync(HttpClient client, string slug, Orchestrator host)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var all = await client.ListOutboundAsync(slug);
            if (all.Count > 0 && all.All(d => d.GetProperty("state").GetString() == "delivered")) return all;
            if (DateTime.UtcNow > deadline) Assert.Fail("not everything was delivered: " + string.Join("\n", all) + "\n" + host.Output);
            await Task.Delay(200);
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("never saw " + what);
            await Task.Delay(100);
        }
    }
}
