using System.Net;
using Comet.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests.Edge;

/// <summary>
/// The orchestrator in memory but on a real loopback port (Kestrel), and the built gateway (Comet.Gateway.dll) as a
/// process in front of it, sharing the data folder and so the proxy key file, as dev.sh runs them.
/// </summary>
public sealed class GatewayInFront : IAsyncDisposable
{
    private readonly GatewayHost _gateway;

    private GatewayInFront(OrchestratorFactory orchestrator, int orchestratorPort, GatewayHost gateway)
    {
        Orchestrator = orchestrator;
        OrchestratorUrl = new Uri($"http://127.0.0.1:{orchestratorPort}/");
        _gateway = gateway;
        GatewayUrl = new Uri($"http://127.0.0.1:{gateway.Port}/");
    }

    public OrchestratorFactory Orchestrator { get; }

    /// <summary>The orchestrator's own loopback address, around the gateway.</summary>
    public Uri OrchestratorUrl { get; }

    /// <summary>The gateway's address: what a user types.</summary>
    public Uri GatewayUrl { get; }

    public string GatewayOutput => _gateway.Output;

    /// <param name="gatewaySettings">Settings for the gateway process, as its environment (a:b becomes a__b).</param>
    /// <param name="orchestratorServices">Services the test adds to the orchestrator after its own.</param>
    public static async Task<GatewayInFront> StartAsync(IReadOnlyDictionary<string, string?>? orchestratorSettings = null,
        IReadOnlyDictionary<string, string?>? gatewaySettings = null, Action<IServiceCollection>? orchestratorServices = null)
    {
        var orchestratorPort = FreePort.Next();
        var orchestrator = new OrchestratorFactory(orchestratorSettings) { TestServices = orchestratorServices };
        orchestrator.UseKestrel(k => k.Listen(IPAddress.Loopback, orchestratorPort));
        orchestrator.StartServer();

        var gateway = GatewayHost.Start(GatewayDll(), orchestrator.DataDir, FreePort.Next(), $"http://127.0.0.1:{orchestratorPort}", gatewaySettings);
        var front = new GatewayInFront(orchestrator, orchestratorPort, gateway);
        if (await gateway.WaitUntilListeningAsync(TimeSpan.FromSeconds(30)) is { } failure)
        {
            var output = front.GatewayOutput;
            await front.DisposeAsync();
            Assert.Fail($"the gateway {failure}:\n{output}");
        }
        return front;
    }

    /// <summary>
    /// A client of the gateway whose connections come from <paramref name="from"/> (any 127.x address is this
    /// machine), so the gateway sees a client address other than its own.
    /// </summary>
    public HttpClient GatewayClient(string from = "127.0.0.1", bool cookies = false) => LoopbackClients.From(GatewayUrl, from, cookies);

    /// <summary>A client straight to the orchestrator's port, around the gateway.</summary>
    public HttpClient DirectClient(string from = "127.0.0.1") => LoopbackClients.From(OrchestratorUrl, from);

    /// <summary>The gateway built next to these tests: src/Gateway/bin/{configuration}/{framework}/Comet.Gateway.dll.</summary>
    private static string GatewayDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var dll = Path.Combine(Comet.TestSupport.RepositoryFiles.Root, "src", "Gateway", "bin", configuration, framework, "Comet.Gateway.dll");
        Assert.That(File.Exists(dll), Is.True, $"{dll} is missing: build the solution (dotnet build Comet.sln) first");
        return dll;
    }

    public async ValueTask DisposeAsync()
    {
        await _gateway.DisposeAsync();
        Orchestrator.Dispose();
    }
}
