using System.Globalization;
using System.Security.Claims;
using Comet.Gateway.Forwarding;
using Comet.Gateway.Observability;
using Comet.Gateway.Routing;

namespace Comet.Gateway.RateLimiting;

/// <summary>
/// Applies a route's rate limit to one request: who the client is, whether it may pass, and the headers that tell
/// it where it stands (Ocelot's X-Rate-Limit-* and the IETF draft's RateLimit-Policy / RateLimit).
/// </summary>
public sealed class ClientRateLimiting(ClientWindowRateLimiter limiter, GatewayProblems problems, GatewayMetrics metrics)
{
    /// <summary>The token's subject when authenticated, else the client id header, else the remote address.</summary>
    public static string ClientIdOf(HttpContext context, RateLimitAnswer answer)
    {
        if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirstValue("sub") is { Length: > 0 } subject)
            return subject;
        if (context.Request.Headers[answer.ClientIdHeader] is { Count: > 0 } header && !string.IsNullOrWhiteSpace(header[0]))
            return header[0]!;
        return context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
    }

    /// <summary>True when the request may go on; otherwise the refusal has been written.</summary>
    public async Task<bool> AdmitAsync(HttpContext context, GatewayRoute route, RateLimitAnswer answer)
    {
        var rule = route.RateLimit!;
        var client = ClientIdOf(context, answer);
        if (rule.Whitelist.Contains(client)) return true;

        using var lease = (WindowLease)await limiter.AcquireAsync(new ClientOnRoute(route.RateLimitKey, client, rule), 1, context.RequestAborted);
        var headers = context.Response.Headers;
        if (lease.IsAcquired)
        {
            if (!answer.DisableRateLimitHeaders)
            {
                var resetSeconds = Seconds(lease.ResetsIn).ToString(CultureInfo.InvariantCulture);
                headers["X-Rate-Limit-Limit"] = lease.Limit.ToString(CultureInfo.InvariantCulture);
                headers["X-Rate-Limit-Remaining"] = lease.Remaining.ToString(CultureInfo.InvariantCulture);
                headers["X-Rate-Limit-Reset"] = (DateTimeOffset.UtcNow + lease.ResetsIn).ToString("o", CultureInfo.InvariantCulture);
                headers["RateLimit-Policy"] = $"{lease.Limit};w={Seconds(rule.Period)}";
                headers["RateLimit"] = $"limit={lease.Limit}, remaining={lease.Remaining}, reset={resetSeconds}";
            }
            return true;
        }

        metrics.RateLimited(route.Label);
        headers.RetryAfter = Seconds(lease.RetryAfter).ToString(CultureInfo.InvariantCulture);
        await problems.WriteAsync(context, answer.StatusCode, "Too many requests", answer.MessageFor(rule));
        return false;
    }

    /// <summary>Whole seconds, rounded up and at least one: "retry in 0 seconds" would invite a hammering client.</summary>
    private static long Seconds(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalSeconds));
}
