using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Comet.Gateway.Forwarding;
using Comet.Gateway.Observability;
using Comet.Gateway.Routing;
using Comet.Gateway.Security;

namespace Comet.Gateway.RateLimiting;

/// <summary>
/// Applies a route's rate limit to one request: which counters it must pass, whether it may pass, and the headers
/// that tell it where it stands (Ocelot's X-Rate-Limit-* and the IETF draft's RateLimit-Policy / RateLimit).
/// </summary>
/// <remarks>
/// An identity the client chooses never widens its quota. A request is counted against the subject of its checked
/// token, else against its address (<see cref="ClientAddresses"/>). A ClientIdHeader is counted in addition to the
/// address, never instead of it, so sending a new client id with every request gains nothing. ClientWhitelist lifts
/// the limit only for identities the client cannot make up (a token subject or an address); a whitelisted client id
/// in the header merely skips its own, extra counter.
/// </remarks>
public sealed class ClientRateLimiting(ClientWindowRateLimiter limiter, ClientAddresses addresses, GatewayProblems problems, GatewayMetrics metrics)
{
    /// <summary>Longer client ids are hashed: a client's header must not become a counter key of any size it likes.</summary>
    private const int MaxClientIdLength = 128;

    /// <summary>The counters this request must pass, most important first; empty when it is not limited.</summary>
    public IReadOnlyList<string> CountersOf(HttpContext context, RateLimitRule rule, RateLimitAnswer answer)
    {
        // A token subject is checked by the gateway; the client id header adds nothing to it.
        if (context.User.Identity?.IsAuthenticated == true && context.User.FindFirstValue("sub") is { Length: > 0 } subject)
            return rule.Whitelist.Contains(subject) ? [] : ["sub:" + subject];

        var address = addresses.ClientOf(context)?.ToString() ?? "unknown";
        if (rule.Whitelist.Contains(address)) return [];
        if (context.Request.Headers[answer.ClientIdHeader] is { Count: > 0 } header && !string.IsNullOrWhiteSpace(header[0])
            && !rule.Whitelist.Contains(header[0]!))
            return ["ip:" + address, "id:" + Bounded(header[0]!)];
        return ["ip:" + address];
    }

    /// <summary>True when the request may go on; otherwise the refusal has been written.</summary>
    public async Task<bool> AdmitAsync(HttpContext context, GatewayRoute route, RateLimitAnswer answer)
    {
        var rule = route.RateLimit!;
        WindowLease? tightest = null;
        try
        {
            foreach (var counter in CountersOf(context, rule, answer))
            {
                var lease = (WindowLease)await limiter.AcquireAsync(new ClientOnRoute(route.RateLimitKey, counter, rule), 1, context.RequestAborted);
                if (!lease.IsAcquired)
                {
                    using (lease) await RefuseAsync(context, route, answer, rule, lease);
                    return false;
                }
                if (tightest is null || lease.Remaining < tightest.Remaining || (lease.Remaining == tightest.Remaining && lease.ResetsIn > tightest.ResetsIn))
                {
                    tightest?.Dispose();
                    tightest = lease;
                }
                else lease.Dispose();
            }
            if (tightest is not null && !answer.DisableRateLimitHeaders) WriteHeaders(context.Response.Headers, rule, tightest);
            return true;
        }
        finally
        {
            tightest?.Dispose();
        }
    }

    /// <summary>The headers of the counter closest to its limit: what the client can actually still do.</summary>
    private static void WriteHeaders(IHeaderDictionary headers, RateLimitRule rule, WindowLease lease)
    {
        var resetSeconds = Seconds(lease.ResetsIn).ToString(CultureInfo.InvariantCulture);
        headers["X-Rate-Limit-Limit"] = lease.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-Rate-Limit-Remaining"] = lease.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-Rate-Limit-Reset"] = (DateTimeOffset.UtcNow + lease.ResetsIn).ToString("o", CultureInfo.InvariantCulture);
        headers["RateLimit-Policy"] = $"{lease.Limit};w={Seconds(rule.Period)}";
        headers["RateLimit"] = $"limit={lease.Limit}, remaining={lease.Remaining}, reset={resetSeconds}";
    }

    private async Task RefuseAsync(HttpContext context, GatewayRoute route, RateLimitAnswer answer, RateLimitRule rule, WindowLease lease)
    {
        metrics.RateLimited(route.Label);
        context.Response.Headers.RetryAfter = Seconds(lease.RetryAfter).ToString(CultureInfo.InvariantCulture);
        await problems.WriteAsync(context, answer.StatusCode, "Too many requests", answer.MessageFor(rule));
    }

    private static string Bounded(string clientId) =>
        clientId.Length <= MaxClientIdLength ? clientId : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(clientId)));

    /// <summary>Whole seconds, rounded up and at least one: "retry in 0 seconds" would invite a hammering client.</summary>
    private static long Seconds(TimeSpan span) => Math.Max(1, (long)Math.Ceiling(span.TotalSeconds));
}
