using System.Net;
using System.Net.Http.Json;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Events;

/// <summary>
/// One orchestrator per fixture on a real loopback port (Kestrel), so event streams travel over real HTTP and
/// WebSocket connections; real git, real runs. Heartbeats are short so a test sees one quickly.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public abstract class LiveEventTestBase
{
    private readonly System.Collections.Concurrent.ConcurrentBag<IDisposable> _owned = [];

    protected OrchestratorFactory Factory { get; private set; } = null!;
    protected Uri BaseAddress { get; private set; } = null!;
    protected HttpClient Admin { get; private set; } = null!;
    protected string AdminToken => Admin.DefaultRequestHeaders.Authorization!.Parameter!;

    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    protected const string BuildPipeline = """
        jobs:
          build:
            steps:
              - name: compile
                run: echo compiled
              - name: test
                run: echo tested
        """;

    [OneTimeSetUp]
    public void StartOrchestrator()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Runner:PollInterval"] = "00:00:00.200",
            ["Runner:MaxParallelJobs"] = "8",
            ["Runner:KillGracePeriod"] = "00:00:01",
            ["Runner:GitTimeout"] = "00:00:30",
            ["Events:Heartbeat"] = "00:00:00.500",
            ["Events:PollInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in ExtraSettings) settings[key] = value;
        var port = FreePort.Next();
        Factory = new OrchestratorFactory(settings);
        Factory.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        Factory.StartServer();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Admin = SignedIn(OrchestratorFactory.AdminName, OrchestratorFactory.AdminPassword);
    }

    [OneTimeTearDown]
    public void StopOrchestrator()
    {
        Admin.Dispose();
        Factory.Dispose();
        foreach (var owned in _owned) owned.Dispose();
    }

    protected HttpClient NewClient() =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    protected HttpClient SignedIn(string username, string password) => OrchestratorFactory.SignIn(NewClient(), username, password);

    /// <summary>A new account (no project yet), signed in on a client of its own.</summary>
    protected async Task<(string Name, HttpClient Client)> NewUserAsync()
    {
        const string password = "a long enough password";
        var name = "u" + Guid.NewGuid().ToString("N")[..10];
        using var created = await Admin.PostAsJsonAsync("/api/v1/admin/users", new { username = name, password });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return (name, SignedIn(name, password));
    }

    protected async Task<CreatedProject> ProjectWithAsync(string pipeline)
    {
        var repository = TestRepository.Create(pipeline);
        _owned.Add(repository);
        return await Admin.CreateProjectAsync(repository.Url);
    }

    protected static bool RunFinished(ReceivedEvent e) => e.Type == "run.finished";
}
