using Comet.TestSupport;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>
/// The gateway under test with its own route file in a temp folder (setting Gateway:RouteFile): in memory
/// (<see cref="GatewayFactory"/>, fast) or as its own process (<see cref="GatewayProcess"/>, real sockets).
/// </summary>
public sealed class TestGateway : IAsyncDisposable
{
    /// <summary>Where "ServiceName": "orchestrator" routes go when a test does not care: nothing listens there.</summary>
    private static readonly Uri NoOrchestrator = new("http://127.0.0.1:9/");

    private readonly TempDirectory _folder;

    private TestGateway(TempDirectory folder, string routeFile)
    {
        _folder = folder;
        RouteFilePath = routeFile;
    }

    public string RouteFilePath { get; }

    public IGatewayUnderTest Host { get; private set; } = null!;

    public HttpClient Client => Host.Client;

    /// <summary>The process, for tests that started one.</summary>
    public GatewayProcess Process => Host as GatewayProcess ?? throw new InvalidOperationException("this gateway runs in memory");

    public static TestGateway InMemory(GatewayConfig config, IReadOnlyDictionary<string, string?>? settings = null, Uri? orchestrator = null) =>
        InMemory(config.ToJson(), settings, orchestrator);

    public static TestGateway InMemory(string routeFileJson, IReadOnlyDictionary<string, string?>? settings = null, Uri? orchestrator = null)
    {
        var gateway = Prepare(routeFileJson);
        var factory = new GatewayFactory(orchestrator ?? NoOrchestrator, gateway.Settings(settings));
        gateway.Host = factory;
        try
        {
            _ = factory.Client; // starts the host now, so a broken start fails here
        }
        catch
        {
            factory.Dispose();
            gateway._folder.Dispose();
            throw;
        }
        return gateway;
    }

    public static async Task<TestGateway> StartProcessAsync(GatewayConfig config, IReadOnlyDictionary<string, string?>? settings = null, Uri? orchestrator = null)
    {
        var gateway = Prepare(config.ToJson());
        try
        {
            gateway.Host = await GatewayProcess.StartAsync(orchestrator ?? NoOrchestrator, gateway.Settings(settings));
        }
        catch
        {
            gateway._folder.Dispose();
            throw;
        }
        return gateway;
    }

    /// <summary>Runs a gateway process on this route file and waits for it to give up (exit) on its own.</summary>
    public static async Task<(int ExitCode, string Output)> RunProcessUntilExitAsync(string routeFileJson, TimeSpan timeout)
    {
        using var folder = new TempDirectory("comet-gateway-routes");
        var routeFile = Path.Combine(folder.Path, "gateway.json");
        await File.WriteAllTextAsync(routeFile, routeFileJson);
        return await GatewayProcess.RunUntilExitAsync(NoOrchestrator, new Dictionary<string, string?> { ["Gateway:RouteFile"] = routeFile }, timeout);
    }

    /// <summary>Replaces the route file, as an operator editing it in place would.</summary>
    public Task WriteRoutesAsync(GatewayConfig config) => WriteRouteFileAsync(config.ToJson());

    public Task WriteRouteFileAsync(string json) => File.WriteAllTextAsync(RouteFilePath, json);

    private static TestGateway Prepare(string routeFileJson)
    {
        var folder = new TempDirectory("comet-gateway-routes");
        var routeFile = Path.Combine(folder.Path, "gateway.json");
        File.WriteAllText(routeFile, routeFileJson);
        return new TestGateway(folder, routeFile);
    }

    private Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string?>? extra)
    {
        var settings = new Dictionary<string, string?> { ["Gateway:RouteFile"] = RouteFilePath };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            settings[key] = value;
        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null) await Host.DisposeAsync();
        _folder.Dispose();
    }
}
