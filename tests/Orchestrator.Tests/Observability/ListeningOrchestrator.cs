using System.Net;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests.Observability;

/// <summary>
/// The orchestrator in memory on a real loopback port (Kestrel), tuned for quick pipelines like <see cref="PipelineTestBase"/>,
/// with clients that connect from a chosen 127.x address: /metrics decides by the address a request really comes from.
/// </summary>
public sealed class ListeningOrchestrator : IDisposable
{
    private readonly List<TestRepository> _repositories = [];

    /// <param name="services">Services the test adds to the host after its own (an in-memory span exporter).</param>
    public ListeningOrchestrator(IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Runner:PollInterval"] = "00:00:00.200",
            ["Runner:KillGracePeriod"] = "00:00:01",
            ["Runner:GitTimeout"] = "00:00:30",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        var port = FreePort.Next();
        Factory = new OrchestratorFactory(all) { TestServices = services };
        Factory.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        Factory.StartServer();
        Url = new Uri($"http://127.0.0.1:{port}/");
        Admin = OrchestratorFactory.SignIn(ClientFrom("127.0.0.1"), OrchestratorFactory.AdminName, OrchestratorFactory.AdminPassword);
    }

    public OrchestratorFactory Factory { get; }

    public Uri Url { get; }

    /// <summary>Signed in as the first admin, from 127.0.0.1.</summary>
    public HttpClient Admin { get; }

    /// <summary>A repository holding <paramref name="pipeline"/> and a project registered for it.</summary>
    public async Task<(TestRepository Repository, CreatedProject Project)> ProjectWithAsync(string pipeline, string? forge = null)
    {
        var repository = TestRepository.Create(pipeline);
        _repositories.Add(repository);
        return (repository, await Admin.CreateProjectAsync(repository.Url, forge));
    }

    /// <summary>A client whose connections come from <paramref name="from"/> (any 127.x address is this machine).</summary>
    public HttpClient ClientFrom(string from) => LoopbackClients.From(Url, from);

    public void Dispose()
    {
        Admin.Dispose();
        Factory.Dispose();
        foreach (var repository in _repositories) repository.Dispose();
    }
}
