using Comet.Gateway.Security;
using Comet.Hosting;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Forwarder;

namespace Comet.Gateway.Forwarding;

/// <summary>
/// What the gateway changes in a request and its answer on the way through, on top of YARP's own copy of the headers
/// (which leaves out the hop-by-hop ones). One instance serves every route: what differs per route (the request id
/// header, the claims a route turns into headers) is already on the incoming request when forwarding starts.
/// </summary>
public sealed class GatewayTransformer(ClientAddresses addresses, ProxyKey proxyKey) : HttpTransformer
{
    private const string ForwardedFor = "X-Forwarded-For";
    private const string ForwardedProto = "X-Forwarded-Proto";
    private const string ForwardedHost = "X-Forwarded-Host";

    /// <param name="destinationPrefix">The whole target URL: the gateway fills the route's downstream template itself,
    /// so what YARP calls the prefix already holds the path and query.</param>
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix,
        CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        proxyRequest.RequestUri = new Uri(destinationPrefix, UriKind.Absolute);

        var incoming = httpContext.Request;
        var headers = proxyRequest.Headers;
        // The downstream's own name, from the URL; YARP's copy kept the client's.
        headers.Host = null;
        // Headers the client names in Connection describe its connection to the gateway only (RFC 9110 §7.6.1).
        if (incoming.Headers.Connection.Count > 0) RemoveConnectionOptions(incoming.Headers.Connection, proxyRequest);

        headers.Remove(ForwardedFor);
        if (addresses.ForwardedForDownstream(httpContext) is { } forwardedFor) headers.TryAddWithoutValidation(ForwardedFor, forwardedFor);
        headers.Remove(ForwardedProto);
        headers.TryAddWithoutValidation(ForwardedProto, incoming.Scheme);
        headers.Remove(ForwardedHost);
        headers.TryAddWithoutValidation(ForwardedHost, incoming.Host.Value);
        // Proves to the orchestrator that the X-Forwarded-* above come from the gateway; a client's own copy is replaced.
        headers.Remove(ProxyKey.HeaderName);
        headers.TryAddWithoutValidation(ProxyKey.HeaderName, proxyKey.Value);

        // The downstream may refuse a body from its headers alone (too large, wrong type, no such hook). With
        // 100-continue it says so before the body is sent and its answer reaches the client; without it, it closes
        // the connection under a body still being sent, and its answer is lost. (A length of 0 is no body: YARP adds
        // empty content to carry content headers.)
        if (proxyRequest.Content is { } content && content.Headers.ContentLength is null or > 0) headers.ExpectContinue = true;
    }

    /// <summary>
    /// Copies the downstream's answer headers through YARP, the downstream's value replacing the gateway's where both
    /// set one (the request id echo, X-Frame-Options, …) instead of being appended to it. With no answer (the call
    /// failed) the request is marked so the handler answers for the downstream.
    /// </summary>
    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse,
        CancellationToken cancellationToken)
    {
        if (proxyResponse is null)
        {
            httpContext.Features.Set(Unanswered.Instance);
            return await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        }

        var answer = httpContext.Response.Headers;
        if (answer.Count > 0)
        {
            foreach (var header in proxyResponse.Headers.NonValidated) answer.Remove(header.Key);
            foreach (var header in proxyResponse.Content.Headers.NonValidated) answer.Remove(header.Key);
        }
        var copyBody = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (proxyResponse.Headers.NonValidated.TryGetValues("Connection", out var connection))
            foreach (var value in connection)
                for (var rest = value.AsSpan(); NextOption(ref rest, out var option);)
                    answer.Remove(option.ToString());
        return copyBody;
    }

    /// <summary>True when forwarding ended without any answer from the downstream (YARP then set only a status).</summary>
    public static bool WasUnanswered(HttpContext context) => context.Features.Get<Unanswered>() is not null;

    private static void RemoveConnectionOptions(StringValues connection, HttpRequestMessage request)
    {
        foreach (var value in connection)
            for (var rest = value.AsSpan(); NextOption(ref rest, out var option);)
            {
                var name = option.ToString();
                if (!request.Headers.Remove(name)) request.Content?.Headers.Remove(name);
            }
    }

    /// <summary>The next header name listed in a Connection value; its own options (keep-alive, close, upgrade) are skipped.</summary>
    private static bool NextOption(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> option)
    {
        while (!rest.IsEmpty)
        {
            var comma = rest.IndexOf(',');
            option = (comma < 0 ? rest : rest[..comma]).Trim();
            rest = comma < 0 ? default : rest[(comma + 1)..];
            if (option.IsEmpty || option.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
                || option.Equals("close", StringComparison.OrdinalIgnoreCase) || option.Equals("upgrade", StringComparison.OrdinalIgnoreCase)) continue;
            return true;
        }
        option = default;
        return false;
    }

    private sealed class Unanswered
    {
        public static readonly Unanswered Instance = new();
    }
}
