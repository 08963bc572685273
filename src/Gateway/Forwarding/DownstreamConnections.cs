using System.Collections.Concurrent;
using Comet.Gateway.Routing;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Comet.Gateway.Forwarding;

/// <summary>Where a route's requests to one of its hosts go: the address as an http(s) URL and the client to send with.</summary>
public sealed record DownstreamTarget(string Prefix, HttpMessageInvoker Invoker);

/// <summary>
/// One pooled client per downstream address, made by YARP's <see cref="ForwarderHttpClientFactory"/> (no redirects,
/// cookies, decompression or proxy; W3C trace headers propagated), shared by every route, and every reload of the
/// route file, that sends there, so connections are reused instead of opened per request.
/// </summary>
public sealed class DownstreamConnections : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpMessageInvoker> _pools = new(StringComparer.OrdinalIgnoreCase);
    private readonly PoolFactory _factory = new();

    /// <summary>The target for one host of a route: the address's shared pool behind the route's timeout and breaker.</summary>
    public DownstreamTarget TargetFor(GatewayRoute route, DownstreamHost host)
    {
        var prefix = Prefix(route.DownstreamScheme, host.Host, host.Port);
        return new DownstreamTarget(prefix, route.Resilience.Around(Pool(prefix)));
    }

    /// <summary>The shared pool for an address, for the gateway's own calls (the orchestrator's API description).</summary>
    public HttpMessageInvoker For(string scheme, string host, int port) => Pool(Prefix(scheme, host, port));

    /// <summary>WebSocket routes reach their downstream over HTTP too: YARP forwards the upgrade request and relays the upgraded stream.</summary>
    private static string Prefix(string scheme, string host, int port)
    {
        var httpScheme = scheme switch { "ws" => "http", "wss" => "https", _ => scheme };
        var hostPart = host.Contains(':') ? $"[{host}]" : host;
        return $"{httpScheme}://{hostPart}:{port}";
    }

    private HttpMessageInvoker Pool(string prefix) =>
        _pools.GetOrAdd(prefix, static (key, factory) => factory.CreateClient(new ForwarderHttpClientContext
        {
            ClusterId = key,
            NewConfig = HttpClientConfig.Empty,
        }), _factory);

    public void Dispose()
    {
        foreach (var pool in _pools.Values) pool.Dispose();
        _pools.Clear();
    }

    /// <summary>YARP's settings for a proxy's handler, plus how long to try to connect and to keep idle connections.</summary>
    private sealed class PoolFactory : ForwarderHttpClientFactory
    {
        protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
        {
            base.ConfigureHandler(context, handler);
            handler.ConnectTimeout = TimeSpan.FromSeconds(10);
            handler.PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1);
        }
    }
}
