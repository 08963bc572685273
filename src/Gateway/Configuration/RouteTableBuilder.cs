using System.Text.Json;
using Comet.Gateway.RateLimiting;
using Comet.Gateway.Resilience;
using Comet.Gateway.Routing;
using Comet.Hosting;

namespace Comet.Gateway.Configuration;

/// <summary>A route file that cannot be used; each error names the route and the key.</summary>
public sealed class RouteFileException(string file, IReadOnlyList<string> errors)
    : InvalidConfigurationException($"{file} is invalid: " + string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>What a route file may refer to besides itself: named services and authentication schemes.</summary>
public sealed record RouteFileContext(
    IReadOnlyDictionary<string, Uri> Services,
    IReadOnlySet<string> AuthenticationSchemes,
    TimeSpan DefaultTimeout);

/// <summary>Reads, checks and compiles a route file into a <see cref="RouteTable"/>, or says everything wrong with it.</summary>
public static class RouteTableBuilder
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowReadingFromString,
    };

    private static readonly string[] Schemes = ["http", "https", "ws", "wss"];

    public static RouteTable Load(string path, RouteFileContext context)
    {
        var name = Path.GetFileName(path);
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RouteFileException(name, [$"it cannot be read: {ex.Message}"]);
        }
        return Build(Parse(json, name), name, context);
    }

    public static RouteFile Parse(string json, string name)
    {
        try
        {
            return JsonSerializer.Deserialize<RouteFile>(json, JsonOptions)
                ?? throw new RouteFileException(name, ["it is empty (null)."]);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, position {ex.BytePositionInLine + 1}" : "";
            var path = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? "" : $" ({ex.Path})";
            throw new RouteFileException(name, [$"it is not valid JSON{where}{path}: {FirstSentence(ex.Message)}"]);
        }
    }

    public static RouteTable Build(RouteFile file, string name, RouteFileContext context)
    {
        var errors = new List<string>();
        var answer = BuildAnswer(file.GlobalConfiguration, errors);
        var globalRequestIdKey = string.IsNullOrWhiteSpace(file.GlobalConfiguration.RequestIdKey)
            ? RouteTable.DefaultRequestIdKey : file.GlobalConfiguration.RequestIdKey.Trim();
        if (!string.IsNullOrEmpty(file.GlobalConfiguration.BaseUrl) && !Uri.TryCreate(file.GlobalConfiguration.BaseUrl, UriKind.Absolute, out _))
            errors.Add($"GlobalConfiguration.BaseUrl '{file.GlobalConfiguration.BaseUrl}' is not an absolute URL.");

        var routes = new List<GatewayRoute>();
        for (var i = 0; i < file.Routes.Count; i++)
        {
            var route = BuildRoute(i, file.Routes[i], globalRequestIdKey, context, errors);
            if (route is not null) routes.Add(route);
        }
        if (errors.Count > 0) throw new RouteFileException(name, errors);
        return new RouteTable(routes, answer, globalRequestIdKey);
    }

    private static GatewayRoute? BuildRoute(int index, FileRoute route, string globalRequestIdKey, RouteFileContext context, List<string> errors)
    {
        var before = errors.Count;
        void Error(string message) => errors.Add($"Routes[{index}] ({route.UpstreamPathTemplate ?? "no UpstreamPathTemplate"}): {message}");

        UpstreamTemplate? upstream = null;
        if (string.IsNullOrWhiteSpace(route.UpstreamPathTemplate)) Error("UpstreamPathTemplate is required.");
        else upstream = Try(() => UpstreamTemplate.Parse(route.UpstreamPathTemplate, route.RouteIsCaseSensitive), m => Error("UpstreamPathTemplate " + m));

        DownstreamTemplate? downstream = null;
        if (string.IsNullOrWhiteSpace(route.DownstreamPathTemplate)) Error("DownstreamPathTemplate is required.");
        else if (upstream is not null)
            downstream = Try(() => DownstreamTemplate.Parse(route.DownstreamPathTemplate, upstream), m => Error("DownstreamPathTemplate " + m));

        var methods = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in route.UpstreamHttpMethod)
        {
            if (string.IsNullOrWhiteSpace(method) || !method.All(char.IsAsciiLetter)) Error($"UpstreamHttpMethod '{method}' is not an HTTP method.");
            else methods.Add(method.ToUpperInvariant());
        }

        var (scheme, hosts) = BuildDownstream(route, context, Error);
        var balancer = hosts.Count == 0 ? null : Try(() => LoadBalancer.Create(route.LoadBalancerOptions.Type, hosts), m => Error("LoadBalancerOptions.Type " + m));

        if (route.Priority is < 0) Error($"Priority must be 0 or more, not {route.Priority}.");

        var authScheme = string.IsNullOrWhiteSpace(route.AuthenticationOptions.AuthenticationProviderKey)
            ? null : route.AuthenticationOptions.AuthenticationProviderKey.Trim();
        if (authScheme is not null && !context.AuthenticationSchemes.Contains(authScheme))
            Error(context.AuthenticationSchemes.Count == 0
                ? $"AuthenticationOptions.AuthenticationProviderKey '{authScheme}' needs JWT validation configured (Gateway:Jwt:JwksFile or Gateway:Jwt:JwksUrl)."
                : $"AuthenticationOptions.AuthenticationProviderKey '{authScheme}' is not a configured scheme; known: {string.Join(", ", context.AuthenticationSchemes)}.");
        if (authScheme is null && route.RouteClaimsRequirement.Count > 0)
            Error("RouteClaimsRequirement needs AuthenticationOptions.AuthenticationProviderKey: claims come from a checked token.");
        if (authScheme is null && route.AddHeadersToRequest.Count > 0)
            Error("AddHeadersToRequest needs AuthenticationOptions.AuthenticationProviderKey: claims come from a checked token.");

        var claimHeaders = new List<ClaimHeader>();
        foreach (var (header, expression) in route.AddHeadersToRequest)
        {
            var parsed = Try(() => ClaimHeader.Parse(header, expression ?? ""), m => Error($"AddHeadersToRequest.{header} {m}"));
            if (parsed is not null) claimHeaders.Add(parsed);
        }

        if (route.MaxRequestBodyBytes is <= 0) Error($"MaxRequestBodyBytes must be at least 1 (bytes), not {route.MaxRequestBodyBytes}.");
        var rateLimit = BuildRateLimit(route.RateLimitOptions, Error);
        var resilience = BuildResilience(route.QoSOptions, context.DefaultTimeout, Error);

        if (errors.Count > before) return null;
        return new GatewayRoute
        {
            Index = index,
            Upstream = upstream!,
            Methods = methods,
            Downstream = downstream!,
            DownstreamScheme = scheme,
            Hosts = hosts,
            Balancer = balancer!,
            Priority = route.Priority ?? (upstream!.IsCatchAll ? 0 : 1),
            AuthenticationScheme = authScheme,
            RequiredClaims = route.RouteClaimsRequirement,
            ClaimHeaders = claimHeaders,
            RateLimit = rateLimit,
            Resilience = resilience!,
            RequestIdKey = string.IsNullOrWhiteSpace(route.RequestIdKey) ? globalRequestIdKey : route.RequestIdKey.Trim(),
            MaxRequestBodyBytes = route.MaxRequestBodyBytes,
        };
    }

    private static (string Scheme, List<DownstreamHost> Hosts) BuildDownstream(FileRoute route, RouteFileContext context, Action<string> error)
    {
        var hosts = new List<DownstreamHost>();
        var scheme = route.DownstreamScheme?.Trim().ToLowerInvariant();
        if (!string.IsNullOrWhiteSpace(route.ServiceName))
        {
            if (route.DownstreamHostAndPorts.Count > 0)
                error("ServiceName and DownstreamHostAndPorts exclude each other; give one.");
            else if (!context.Services.TryGetValue(route.ServiceName.Trim(), out var service))
                error($"ServiceName '{route.ServiceName}' is not a known service; known: {string.Join(", ", context.Services.Keys)}.");
            else
            {
                hosts.Add(new DownstreamHost(service.Host, service.Port));
                scheme ??= service.Scheme;
            }
        }
        else if (route.DownstreamHostAndPorts.Count == 0)
            error("DownstreamHostAndPorts needs at least one host and port, or a ServiceName.");

        for (var i = 0; i < route.DownstreamHostAndPorts.Count; i++)
        {
            var entry = route.DownstreamHostAndPorts[i];
            if (string.IsNullOrWhiteSpace(entry.Host) || Uri.CheckHostName(entry.Host.Trim()) == UriHostNameType.Unknown)
                error($"DownstreamHostAndPorts[{i}].Host '{entry.Host}' is not a host name or address.");
            else if (entry.Port is < 1 or > 65535)
                error($"DownstreamHostAndPorts[{i}].Port must be between 1 and 65535, not {entry.Port}.");
            else if (string.IsNullOrWhiteSpace(route.ServiceName))
                hosts.Add(new DownstreamHost(entry.Host.Trim(), entry.Port));
        }

        scheme ??= "http";
        if (!Schemes.Contains(scheme)) error($"DownstreamScheme '{route.DownstreamScheme}' must be one of {string.Join(", ", Schemes)}.");
        return (scheme, hosts);
    }

    private static RateLimitRule? BuildRateLimit(FileRateLimitRule options, Action<string> error)
    {
        if (!options.EnableRateLimiting) return null;
        var period = Try(() => RateLimitRule.ParsePeriod(options.Period), m => error("RateLimitOptions.Period " + m));
        if (options.Limit <= 0) error($"RateLimitOptions.Limit must be at least 1, not {options.Limit}.");
        var banOk = options.PeriodTimespan >= 0 && options.PeriodTimespan <= RateLimitRule.MaxPeriod.TotalSeconds;
        if (options.PeriodTimespan < 0 || double.IsNaN(options.PeriodTimespan)) error($"RateLimitOptions.PeriodTimespan must be 0 or more seconds, not {options.PeriodTimespan}.");
        else if (!banOk) error($"RateLimitOptions.PeriodTimespan must be at most {RateLimitRule.MaxPeriod.TotalSeconds:0} seconds ({RateLimitRule.MaxPeriod.TotalDays:0} days), not {options.PeriodTimespan}.");
        if (period is null || options.Limit <= 0 || !banOk) return null;
        return new RateLimitRule
        {
            PeriodText = options.Period!.Trim(),
            Period = period.Value,
            Limit = options.Limit,
            Ban = TimeSpan.FromSeconds(options.PeriodTimespan),
            Whitelist = options.ClientWhitelist.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c.Trim()).ToHashSet(StringComparer.Ordinal),
        };
    }

    private static DownstreamResilience? BuildResilience(FileQoSOptions qos, TimeSpan defaultTimeout, Action<string> error)
    {
        var ok = true;
        // Polly's limits: a breaker needs at least two calls to judge, breaks last at least 0.5 s, timeouts at least 10 ms.
        if (qos.ExceptionsAllowedBeforeBreaking is < 0 or 1)
        {
            error($"QoSOptions.ExceptionsAllowedBeforeBreaking must be 0 (no breaker) or at least 2, not {qos.ExceptionsAllowedBeforeBreaking}.");
            ok = false;
        }
        if (qos.DurationOfBreak != 0 && qos.DurationOfBreak < 500)
        {
            error($"QoSOptions.DurationOfBreak must be at least 500 (milliseconds), not {qos.DurationOfBreak}.");
            ok = false;
        }
        if (qos.TimeoutValue != 0 && qos.TimeoutValue is < 10 or > 86_400_000)
        {
            error($"QoSOptions.TimeoutValue must be between 10 and 86400000 (milliseconds), not {qos.TimeoutValue}.");
            ok = false;
        }
        if (!ok) return null;
        return DownstreamResilience.Create(
            qos.ExceptionsAllowedBeforeBreaking,
            qos.DurationOfBreak == 0 ? DownstreamResilience.DefaultBreak : TimeSpan.FromMilliseconds(qos.DurationOfBreak),
            qos.TimeoutValue == 0 ? defaultTimeout : TimeSpan.FromMilliseconds(qos.TimeoutValue));
    }

    private static RateLimitAnswer BuildAnswer(FileGlobalConfiguration global, List<string> errors)
    {
        var options = global.RateLimitOptions;
        if (options.HttpStatusCode is { } status && status is < 400 or > 599)
            errors.Add($"GlobalConfiguration.RateLimitOptions.HttpStatusCode must be between 400 and 599, not {status}.");
        var message = string.IsNullOrWhiteSpace(options.QuotaExceededMessage) ? RateLimitAnswer.DefaultQuotaMessage : options.QuotaExceededMessage;
        try
        {
            _ = string.Format(System.Globalization.CultureInfo.InvariantCulture, message, 1, "1s");
        }
        catch (FormatException)
        {
            errors.Add("GlobalConfiguration.RateLimitOptions.QuotaExceededMessage may use {0} (limit) and {1} (period) only; escape other braces as {{ }}.");
            message = RateLimitAnswer.DefaultQuotaMessage;
        }
        return new RateLimitAnswer
        {
            QuotaExceededMessage = message,
            StatusCode = options.HttpStatusCode ?? StatusCodes.Status429TooManyRequests,
            ClientIdHeader = string.IsNullOrWhiteSpace(options.ClientIdHeader) ? "ClientId" : options.ClientIdHeader.Trim(),
            DisableRateLimitHeaders = options.DisableRateLimitHeaders,
        };
    }

    private static T? Try<T>(Func<T> build, Action<string> error) where T : class
    {
        try
        {
            return build();
        }
        catch (FormatException ex)
        {
            error(ex.Message);
            return null;
        }
    }

    private static TimeSpan? Try(Func<TimeSpan> build, Action<string> error)
    {
        try
        {
            return build();
        }
        catch (FormatException ex)
        {
            error(ex.Message);
            return null;
        }
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
