using Comet.Gateway.RateLimiting;

namespace Comet.Gateway.Routing;

/// <summary>The routes in the order they are tried, and the settings shared by all of them.</summary>
public sealed class RouteTable(IReadOnlyList<GatewayRoute> routes, RateLimitAnswer rateLimitAnswer, string requestIdKey)
{
    public const string DefaultRequestIdKey = "X-Request-Id";

    /// <summary>
    /// Most specific first: a higher Priority, then ordinary routes before catch-alls, then the more literal template,
    /// then the order of the file.
    /// </summary>
    public IReadOnlyList<GatewayRoute> Routes { get; } = routes
        .OrderByDescending(r => r.Priority)
        .ThenBy(r => r.Upstream.IsCatchAll)
        .ThenByDescending(r => r.Upstream.LiteralLength)
        .ThenBy(r => r.Index)
        .ToList();

    public RateLimitAnswer RateLimitAnswer { get; } = rateLimitAnswer;

    /// <summary>GlobalConfiguration.RequestIdKey, for requests no route matched.</summary>
    public string RequestIdKey { get; } = requestIdKey;

    /// <summary>True when some route's upstream template matches the path, whatever its methods: that path is the API's.</summary>
    public bool Claims(string escapedPath)
    {
        foreach (var route in Routes)
            if (route.Upstream.TryMatch(escapedPath, out _)) return true;
        return false;
    }

    public RouteMatch? Match(string method, string escapedPath)
    {
        foreach (var route in Routes)
        {
            if (!route.Allows(method)) continue;
            if (route.Upstream.TryMatch(escapedPath, out var values)) return new RouteMatch(route, values);
        }
        return null;
    }
}
