namespace Comet.Gateway.Tests.Acceptance;

/// <summary>
/// Starts what a test needs (downstreams, gateways, issuers) and stops all of it after the test, last started first.
/// </summary>
public abstract class AcceptanceTest
{
    private readonly Stack<object> _started = new();
    private readonly Stack<object> _startedForFixture = new();

    protected async Task<AcceptanceDownstream> StartDownstreamAsync(string name = "downstream", int? port = null) =>
        Track(await AcceptanceDownstream.StartAsync(name, port));

    protected TestGateway InMemoryGateway(GatewayConfig config, IReadOnlyDictionary<string, string?>? settings = null, Uri? orchestrator = null) =>
        Track(TestGateway.InMemory(config, settings, orchestrator));

    protected TestGateway InMemoryGateway(string routeFileJson, IReadOnlyDictionary<string, string?>? settings = null, Uri? orchestrator = null) =>
        Track(TestGateway.InMemory(routeFileJson, settings, orchestrator));

    protected async Task<TestGateway> StartGatewayProcessAsync(GatewayConfig config, IReadOnlyDictionary<string, string?>? settings = null, Uri? orchestrator = null) =>
        Track(await TestGateway.StartProcessAsync(config, settings, orchestrator));

    protected T Track<T>(T item) where T : class
    {
        _started.Push(item);
        return item;
    }

    /// <summary>Keeps <paramref name="item"/> for every test of the fixture; it is stopped after the last one.</summary>
    protected T TrackForFixture<T>(T item) where T : class
    {
        _startedForFixture.Push(item);
        return item;
    }

    [TearDown]
    public Task StopWhatTheTestStarted() => StopAll(_started);

    [OneTimeTearDown]
    public Task StopWhatTheFixtureStarted() => StopAll(_startedForFixture);

    private static async Task StopAll(Stack<object> started)
    {
        while (started.TryPop(out var item))
        {
            switch (item)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    /// <summary>A fresh client id, so rate-limit counters (also in a shared Redis) start at zero.</summary>
    protected static string NewClientId(string prefix = "client") => $"{prefix}-{Guid.NewGuid():N}";

    protected static HttpRequestMessage Get(string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }
}
