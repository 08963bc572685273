using System.Collections.Concurrent;
using System.Net;

namespace Comet.Gateway.Forwarding;

/// <summary>
/// One pooled <see cref="SocketsHttpHandler"/> per downstream address, shared by every route (and every reload of the
/// route file) that sends there, so connections are reused instead of opened per request.
/// </summary>
public sealed class DownstreamClients : IDisposable
{
    private readonly ConcurrentDictionary<string, HttpMessageInvoker> _invokers = new(StringComparer.OrdinalIgnoreCase);

    public HttpMessageInvoker For(string scheme, string host, int port) =>
        _invokers.GetOrAdd($"{HttpScheme(scheme)}://{host}:{port}", static _ => new HttpMessageInvoker(CreateHandler(), disposeHandler: true));

    /// <summary>WebSocket routes connect over the HTTP handler of the same address.</summary>
    public static string HttpScheme(string scheme) => scheme switch { "ws" => "http", "wss" => "https", _ => scheme };

    // A proxy passes messages as they are: no redirects followed, no cookies kept, no bodies decompressed, no proxy.
    private static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = null,
    };

    public void Dispose()
    {
        foreach (var invoker in _invokers.Values) invoker.Dispose();
        _invokers.Clear();
    }
}
