namespace Comet.Gateway.Configuration;

// The route file in Ocelot's schema (https://ocelot.readthedocs.io/en/latest/features/configuration.html), so that
// Ocelot users can bring their files. Only the keys Comet understands are modelled; others are ignored.

public sealed class RouteFile
{
    public List<FileRoute> Routes { get; set; } = [];
    public FileGlobalConfiguration GlobalConfiguration { get; set; } = new();
}

public sealed class FileRoute
{
    public string? UpstreamPathTemplate { get; set; }
    public List<string> UpstreamHttpMethod { get; set; } = [];
    public string? DownstreamPathTemplate { get; set; }
    public string? DownstreamScheme { get; set; }
    public List<FileHostAndPort> DownstreamHostAndPorts { get; set; } = [];

    /// <summary>A named service instead of hosts; Comet knows "orchestrator" (Gateway:OrchestratorUrl).</summary>
    public string? ServiceName { get; set; }

    public FileLoadBalancerOptions LoadBalancerOptions { get; set; } = new();
    public int? Priority { get; set; }
    public bool RouteIsCaseSensitive { get; set; }
    public FileAuthenticationOptions AuthenticationOptions { get; set; } = new();
    public Dictionary<string, string> RouteClaimsRequirement { get; set; } = [];
    public Dictionary<string, string> AddHeadersToRequest { get; set; } = [];
    public FileRateLimitRule RateLimitOptions { get; set; } = new();
    public FileQoSOptions QoSOptions { get; set; } = new();
    public string? RequestIdKey { get; set; }

    /// <summary>Comet's own key: larger request bodies are refused with 413 on this route (at most Gateway:MaxRequestBodyBytes).</summary>
    public long? MaxRequestBodyBytes { get; set; }
}

public sealed class FileHostAndPort
{
    public string? Host { get; set; }
    public int Port { get; set; }
}

public sealed class FileLoadBalancerOptions
{
    public string? Type { get; set; }
}

public sealed class FileAuthenticationOptions
{
    public string? AuthenticationProviderKey { get; set; }
}

public sealed class FileRateLimitRule
{
    public List<string> ClientWhitelist { get; set; } = [];
    public bool EnableRateLimiting { get; set; }
    public string? Period { get; set; }
    public double PeriodTimespan { get; set; }
    public long Limit { get; set; }
}

public sealed class FileQoSOptions
{
    public int ExceptionsAllowedBeforeBreaking { get; set; }

    /// <summary>Milliseconds the breaker stays open.</summary>
    public int DurationOfBreak { get; set; }

    /// <summary>Milliseconds allowed until the downstream's response headers.</summary>
    public int TimeoutValue { get; set; }
}

public sealed class FileGlobalConfiguration
{
    public string? BaseUrl { get; set; }
    public string? RequestIdKey { get; set; }
    public FileGlobalRateLimitOptions RateLimitOptions { get; set; } = new();
}

public sealed class FileGlobalRateLimitOptions
{
    public string? QuotaExceededMessage { get; set; }
    public int? HttpStatusCode { get; set; }
    public string? ClientIdHeader { get; set; }
    public bool DisableRateLimitHeaders { get; set; }
}
