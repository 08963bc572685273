using System.Diagnostics;
using Comet.Gateway.Configuration;
using Comet.Gateway.Observability;
using Comet.Gateway.RateLimiting;
using Comet.Gateway.Routing;
using Comet.Gateway.Security;
using Microsoft.Extensions.Options;

namespace Comet.Gateway.Forwarding;

/// <summary>
/// What the gateway does with a request no endpoint of its own answers: find the route, give it a request id, check
/// the token and the rate limit, pick a downstream host and forward, then count and log the answer.
/// </summary>
public sealed partial class GatewayRequestHandler(
    RouteTableProvider routes,
    EdgeAuthentication authentication,
    ClientRateLimiting rateLimiting,
    DownstreamClients clients,
    HttpForwarder httpForwarder,
    WebSocketForwarder webSocketForwarder,
    GatewayProblems problems,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    ILogger<GatewayRequestHandler> accessLog)
{
    private readonly long _maxBodyBytes = options.Value.MaxRequestBodyBytes;

    public async Task HandleAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var table = routes.Current;
        var request = context.Request;
        var match = table.Match(request.Method, request.Path.ToUriComponent());
        var requestId = RequestIds.Ensure(context, match?.Route.RequestIdKey ?? table.RequestIdKey);
        var label = match?.Route.Label ?? GatewayMetrics.NoRoute;
        try
        {
            if (match is null)
            {
                await problems.WriteAsync(context, StatusCodes.Status404NotFound, "Not found",
                    $"No route of the gateway matches {request.Method} {request.Path}.");
                return;
            }
            var upstreamError = await HandleRouteAsync(context, match, table, requestId);
            if (upstreamError is not null) metrics.UpstreamFailed(label, upstreamError);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.RequestAnswered(label, request.Method, context.Response.StatusCode, elapsed);
            LogAnswered(accessLog, request.Method, request.Path, context.Response.StatusCode, elapsed.TotalMilliseconds, label, requestId);
        }
    }

    private async Task<string?> HandleRouteAsync(HttpContext context, RouteMatch match, RouteTable table, string requestId)
    {
        var route = match.Route;
        var maxBodyBytes = Math.Min(route.MaxRequestBodyBytes ?? _maxBodyBytes, _maxBodyBytes);
        if (!LimitBody(context, maxBodyBytes))
        {
            await problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"The request body has {context.Request.ContentLength} bytes; {context.Request.Path} accepts at most {maxBodyBytes}.");
            return null;
        }
        if (!await authentication.AuthenticateAsync(context, route)) return null;
        if (route.RateLimit is not null && !await rateLimiting.AdmitAsync(context, route, table.RateLimitAnswer)) return null;

        var host = route.Balancer.Pick();
        using var inFlight = host.Begin();
        var isWebSocket = route.IsWebSocket && context.WebSockets.IsWebSocketRequest;
        var scheme = isWebSocket ? route.DownstreamScheme : DownstreamClients.HttpScheme(route.DownstreamScheme);
        var target = TargetUri(scheme, host, route.Downstream.Fill(match.Values, context.Request.Path.Value?.EndsWith('/') == true),
            context.Request.QueryString);
        var invoker = host.Invoker ??= clients.For(route.DownstreamScheme, host.Host, host.Port);
        return isWebSocket
            ? await webSocketForwarder.ForwardAsync(context, target, invoker)
            : await httpForwarder.ForwardAsync(context, route, target, invoker, requestId);
    }

    /// <summary>Refuses a declared length over the limit now (Kestrel holds the body to its declared length), and
    /// counts a body of unknown length as it is read, stopping it once it grows past the limit.</summary>
    private static bool LimitBody(HttpContext context, long maxBodyBytes)
    {
        if (context.Request.ContentLength > maxBodyBytes) return false;
        if (context.Request.ContentLength is null)
            context.Request.Body = new LimitedRequestBody(context.Request.Body, maxBodyBytes);
        return true;
    }

    private static Uri TargetUri(string scheme, DownstreamHost host, string path, QueryString query)
    {
        var hostPart = host.Host.Contains(':') ? $"[{host.Host}]" : host.Host;
        return new Uri($"{scheme}://{hostPart}:{host.Port}{path}{query.Value}", UriKind.Absolute);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} answered {Status} in {ElapsedMs:0.###} ms (route {Route}, request {RequestId})")]
    private static partial void LogAnswered(ILogger logger, string method, PathString path, int status, double elapsedMs, string route, string requestId);
}
