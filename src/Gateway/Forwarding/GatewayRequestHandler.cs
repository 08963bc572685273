using System.Diagnostics;
using System.Globalization;
using System.Net;
using Comet.Gateway.Configuration;
using Comet.Gateway.Observability;
using Comet.Gateway.RateLimiting;
using Comet.Gateway.Routing;
using Comet.Gateway.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Comet.Gateway.Forwarding;

/// <summary>
/// What the gateway does with a request no endpoint of its own answers: find the route, give it a request id, check
/// the token and the rate limit, pick a downstream host and forward, then count and log the answer.
/// </summary>
public sealed partial class GatewayRequestHandler(
    RouteTableProvider routes,
    EdgeAuthentication authentication,
    ClientRateLimiting rateLimiting,
    DownstreamConnections connections,
    IHttpForwarder forwarder,
    GatewayTransformer transformer,
    GatewayProblems problems,
    GatewayMetrics metrics,
    IOptions<GatewayOptions> options,
    ILogger<GatewayRequestHandler> accessLog)
{
    /// <summary>
    /// HTTP/1.1 as before YARP (a plain-http downstream does not speak HTTP/2 without TLS anyway). No activity
    /// timeout: the route's timeout (DownstreamResilience) covers the wait for the answer's headers and counts for
    /// its breaker; after them a body may stay quiet as long as it likes (a live log of a silent step, a WebSocket),
    /// as Gateway:ResponseHeadersTimeout has always promised.
    /// </summary>
    private static readonly ForwarderRequestConfig RequestConfig = new()
    {
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        ActivityTimeout = Timeout.InfiniteTimeSpan,
    };

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
            var upstreamError = await HandleRouteAsync(context, match, table);
            if (upstreamError is not null) metrics.UpstreamFailed(label, upstreamError);
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            metrics.RequestAnswered(label, request.Method, context.Response.StatusCode, elapsed);
            LogAnswered(accessLog, request.Method, request.Path, context.Response.StatusCode, elapsed.TotalMilliseconds, label, requestId);
        }
    }

    private async Task<string?> HandleRouteAsync(HttpContext context, RouteMatch match, RouteTable table)
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
        var request = context.Request;
        // Only WebSocket routes upgrade (GATEWAY.md); elsewhere an upgrade request goes on as a plain request.
        if (!route.IsWebSocket && request.Headers.Upgrade.Count > 0) request.Headers.Remove(HeaderNames.Upgrade);
        var target = host.Target ??= connections.TargetFor(route, host);
        var url = route.Downstream.Url(target.Prefix, match.Values, request.Path.Value?.EndsWith('/') == true, request.QueryString.Value);

        var error = await forwarder.SendAsync(context, url, target.Invoker, RequestConfig, transformer);
        return error == ForwarderError.None ? null : await AnswerFailureAsync(context, route, error, target.Prefix);
    }

    /// <summary>Answers for the downstream when its answer did not come (or broke off before anything went out); returns what to count.</summary>
    private async Task<string?> AnswerFailureAsync(HttpContext context, GatewayRoute route, ForwarderError error, string downstream)
    {
        var exception = context.GetForwarderErrorFeature()?.Exception;
        var failure = ForwardingFailure.Of(error, exception, route, context.Request.Body as LimitedRequestBody, answered: !GatewayTransformer.WasUnanswered(context));
        if (failure.UpstreamError is "refused" or "unreachable" or "reset" or "body_refused")
            LogUpstreamFailure(accessLog, exception, context.Request.Method, context.Request.Path, downstream,
                failure.UpstreamError, context.TraceIdentifier);
        if (failure.Answer is { } answer && !context.Response.HasStarted)
        {
            // YARP clears the response on some failures: the headers every answer carries go back on.
            SecurityHeaders.Set(context);
            context.Response.Headers[route.RequestIdKey] = context.TraceIdentifier;
            if (answer.RetryAfter is { } retryAfter)
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await problems.WriteAsync(context, answer.Status, answer.Title, answer.Detail);
        }
        return failure.UpstreamError;
    }

    /// <summary>Refuses a declared length over the limit now (Kestrel holds the body to its declared length), and
    /// counts a body as it is read, stopping one of unknown length once it grows past the limit.</summary>
    private static bool LimitBody(HttpContext context, long maxBodyBytes)
    {
        var request = context.Request;
        if (request.ContentLength > maxBodyBytes) return false;
        if (request.ContentLength > 0 || (request.ContentLength is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody != false))
            request.Body = new LimitedRequestBody(request.Body, maxBodyBytes);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} to {Downstream} failed: {Kind} (request {RequestId})")]
    private static partial void LogUpstreamFailure(ILogger logger, Exception? exception, string method, PathString path, string downstream, string kind, string requestId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} answered {Status} in {ElapsedMs:0.###} ms (route {Route}, request {RequestId})")]
    private static partial void LogAnswered(ILogger logger, string method, PathString path, int status, double elapsedMs, string route, string requestId);
}
