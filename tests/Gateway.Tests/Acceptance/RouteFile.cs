using System.Text.Json;
using System.Text.Json.Serialization;

namespace Comet.Gateway.Tests.Acceptance;

// The route file in Ocelot's schema, as a user writes it. Only what a test sets is written; everything left null
// is omitted, so the gateway's defaults are what is tested.

public sealed record GatewayConfig(IReadOnlyList<Route> Routes, GlobalConfiguration? GlobalConfiguration = null)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static GatewayConfig With(params Route[] routes) => new(routes);

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

public sealed record Route
{
    public required string UpstreamPathTemplate { get; init; }
    public string[]? UpstreamHttpMethod { get; init; }
    public required string DownstreamPathTemplate { get; init; }
    public string? DownstreamScheme { get; init; } = "http";
    public HostAndPort[]? DownstreamHostAndPorts { get; init; }
    public string? ServiceName { get; init; }
    public LoadBalancerOptions? LoadBalancerOptions { get; init; }
    public int? Priority { get; init; }
    public bool? RouteIsCaseSensitive { get; init; }
    public AuthenticationOptions? AuthenticationOptions { get; init; }
    public Dictionary<string, string>? RouteClaimsRequirement { get; init; }
    public Dictionary<string, string>? AddHeadersToRequest { get; init; }
    public RateLimitOptions? RateLimitOptions { get; init; }
    public QoSOptions? QoSOptions { get; init; }
    public string? RequestIdKey { get; init; }
    public long? MaxRequestBodyBytes { get; init; }

    /// <summary>A route from <paramref name="upstream"/> to <paramref name="downstreamPath"/> on the given downstreams.</summary>
    public static Route To(string upstream, string downstreamPath, params AcceptanceDownstream[] downstreams) => new()
    {
        UpstreamPathTemplate = upstream,
        DownstreamPathTemplate = downstreamPath,
        DownstreamHostAndPorts = [.. downstreams.Select(d => d.HostAndPort)],
    };

    /// <summary>A route to a loopback port where nothing listens.</summary>
    public static Route ToClosedPort(string upstream, string downstreamPath, int port) => new()
    {
        UpstreamPathTemplate = upstream,
        DownstreamPathTemplate = downstreamPath,
        DownstreamHostAndPorts = [new HostAndPort("127.0.0.1", port)],
    };

    public Route RequiringBearer() => this with { AuthenticationOptions = new AuthenticationOptions("Bearer") };

    public Route Limited(int limit, string period, double? periodTimespan = null, params string[] whitelist) =>
        this with { RateLimitOptions = new RateLimitOptions(limit, period, periodTimespan, whitelist.Length == 0 ? null : whitelist) };
}

public sealed record HostAndPort(string Host, int Port);

public sealed record LoadBalancerOptions(string Type);

public sealed record AuthenticationOptions(string AuthenticationProviderKey);

public sealed record RateLimitOptions(
    int Limit,
    string Period,
    double? PeriodTimespan = null,
    string[]? ClientWhitelist = null,
    bool EnableRateLimiting = true);

public sealed record QoSOptions(int? ExceptionsAllowedBeforeBreaking = null, int? DurationOfBreak = null, int? TimeoutValue = null);

public sealed record GlobalConfiguration(string? BaseUrl = null, string? RequestIdKey = null, GlobalRateLimitOptions? RateLimitOptions = null);

public sealed record GlobalRateLimitOptions(
    string? QuotaExceededMessage = null,
    int? HttpStatusCode = null,
    string? ClientIdHeader = null,
    bool? DisableRateLimitHeaders = null);
