using Comet.Gateway.RateLimiting;
using Comet.Gateway.Resilience;

namespace Comet.Gateway.Routing;

/// <summary>One route of the file, compiled: how to match a request and what to do with it.</summary>
public sealed class GatewayRoute
{
    /// <summary>Its position in the file, for messages.</summary>
    public required int Index { get; init; }

    public required UpstreamTemplate Upstream { get; init; }

    /// <summary>Allowed methods, upper case; empty allows any.</summary>
    public required IReadOnlySet<string> Methods { get; init; }

    public required DownstreamTemplate Downstream { get; init; }
    public required string DownstreamScheme { get; init; }
    public required IReadOnlyList<DownstreamHost> Hosts { get; init; }
    public required LoadBalancer Balancer { get; init; }
    public required int Priority { get; init; }
    public string? AuthenticationScheme { get; init; }
    public required IReadOnlyDictionary<string, string> RequiredClaims { get; init; }
    public required IReadOnlyList<ClaimHeader> ClaimHeaders { get; init; }
    public RateLimitRule? RateLimit { get; init; }
    public required DownstreamResilience Resilience { get; init; }
    public required string RequestIdKey { get; init; }

    /// <summary>The route's own body limit, if it has one; Gateway:MaxRequestBodyBytes still caps it.</summary>
    public long? MaxRequestBodyBytes { get; init; }

    public bool IsWebSocket => DownstreamScheme is "ws" or "wss";

    /// <summary>The label in metrics and logs: the upstream template as written.</summary>
    public string Label => Upstream.Text;

    /// <summary>Names this route's rate-limit counters; stable across reloads while the route keeps its template and methods.</summary>
    public string RateLimitKey => Methods.Count == 0 ? Upstream.Text : string.Join(',', Methods.Order()) + " " + Upstream.Text;

    /// <summary>Methods compare case-insensitively: Kestrel passes a request line's "get" on as it came.</summary>
    public bool Allows(string method) => Methods.Count == 0 || Methods.Contains(method) || Methods.Contains(method.ToUpperInvariant());
}

/// <summary>A request path matched to a route, with the placeholder values.</summary>
public sealed record RouteMatch(GatewayRoute Route, IReadOnlyDictionary<string, string> Values);

/// <summary>
/// AddHeadersToRequest in Ocelot's claims notation: <c>Claims[sub] &gt; value</c>, or
/// <c>Claims[groups] &gt; value[1] &gt; |</c> for the second part of a value split on '|'.
/// </summary>
public sealed record ClaimHeader(string Header, string ClaimType, int? Index, string? Delimiter)
{
    public static ClaimHeader Parse(string header, string expression)
    {
        var parts = expression.Split('>', StringSplitOptions.TrimEntries);
        if (parts.Length is < 2 or > 3 || !parts[0].StartsWith("Claims[", StringComparison.Ordinal) || !parts[0].EndsWith(']')
            || parts[0].Length <= "Claims[]".Length)
            throw new FormatException($"'{expression}' is not a claim reference; write 'Claims[type] > value' or 'Claims[type] > value[index] > delimiter'.");
        var claimType = parts[0]["Claims[".Length..^1];
        if (parts[1] == "value" && parts.Length == 2) return new ClaimHeader(header, claimType, null, null);
        if (parts.Length == 3 && parts[1].StartsWith("value[", StringComparison.Ordinal) && parts[1].EndsWith(']')
            && int.TryParse(parts[1]["value[".Length..^1], out var index) && index >= 0 && parts[2].Length > 0)
            return new ClaimHeader(header, claimType, index, parts[2]);
        throw new FormatException($"'{expression}' is not a claim reference; write 'Claims[type] > value' or 'Claims[type] > value[index] > delimiter'.");
    }

    /// <summary>The header value from the caller's claims, or null when the claim (or that part of it) is missing.</summary>
    public string? ValueFrom(System.Security.Claims.ClaimsPrincipal user)
    {
        var value = user.FindFirst(ClaimType)?.Value;
        if (value is null || Index is null) return value;
        var pieces = value.Split(Delimiter);
        return Index < pieces.Length ? pieces[Index.Value] : null;
    }
}
