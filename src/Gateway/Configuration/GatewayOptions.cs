using Microsoft.Extensions.Options;

namespace Comet.Gateway.Configuration;

/// <summary>Settings under "Gateway".</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The Ocelot-style route file; a relative path is found next to the binary.</summary>
    public string RouteFile { get; set; } = "gateway.json";

    /// <summary>Where the orchestrator listens (the "orchestrator" service of the route file). Empty: http://127.0.0.1:{Comet:OrchestratorPort}.</summary>
    public string? OrchestratorUrl { get; set; }

    /// <summary>How long to wait for a downstream's response headers on routes without QoSOptions.TimeoutValue. Bodies (log streams) may take longer.</summary>
    public TimeSpan ResponseHeadersTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Larger request bodies are refused with 413 (32 MiB by default: webhooks with big pushes fit).</summary>
    public long MaxRequestBodyBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// Addresses or networks (CIDR) of proxies in front of the gateway whose X-Forwarded-For is believed. Empty (the
    /// default): nothing in front is trusted and every client is its TCP peer address.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>
    /// The web UI's built files (index.html, assets/), served at /; a relative path is found next to the binary. A
    /// folder that does not exist turns the UI off.
    /// </summary>
    public string WebRoot { get; set; } = "wwwroot";

    /// <summary>Sent on every text/html answer that has no Content-Security-Policy of its own; empty sends none.</summary>
    public string? ContentSecurityPolicy { get; set; } = DefaultContentSecurityPolicy;

    /// <summary>The one policy of Comet's HTML answers, the same as the orchestrator's own.</summary>
    public const string DefaultContentSecurityPolicy = Comet.Hosting.ContentSecurityPolicy.Default;

    public JwtOptions Jwt { get; set; } = new();
    public CorsOptions Cors { get; set; } = new();

    public sealed class JwtOptions
    {
        /// <summary>The scheme name routes use as AuthenticationProviderKey.</summary>
        public const string Scheme = "Bearer";

        /// <summary>Expected "iss"; empty: not checked.</summary>
        public string? Issuer { get; set; }

        /// <summary>Expected "aud"; empty: not checked.</summary>
        public string? Audience { get; set; }

        /// <summary>A JWKS file with the public keys; re-read when it changes.</summary>
        public string? JwksFile { get; set; }

        /// <summary>A URL serving a JWKS (e.g. the identity service's /.well-known/jwks.json).</summary>
        public string? JwksUrl { get; set; }

        public bool IsConfigured => !string.IsNullOrWhiteSpace(JwksFile) || !string.IsNullOrWhiteSpace(JwksUrl);
    }

    public sealed class CorsOptions
    {
        public string[] AllowedOrigins { get; set; } = [];
        public string[] AllowedMethods { get; set; } = [];
        public string[] AllowedHeaders { get; set; } = [];
        public string[] ExposedHeaders { get; set; } = [];
        public bool AllowCredentials { get; set; }
    }
}

public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrEmpty(options.OrchestratorUrl) && !IsHttpUrl(options.OrchestratorUrl))
            failures.Add($"Gateway:OrchestratorUrl must be an absolute http(s) URL, not '{options.OrchestratorUrl}'.");
        if (string.IsNullOrWhiteSpace(options.RouteFile))
            failures.Add("Gateway:RouteFile must name the route file (gateway.json).");
        if (options.ResponseHeadersTimeout <= TimeSpan.Zero)
            failures.Add("Gateway:ResponseHeadersTimeout must be positive (e.g. 00:01:40).");
        if (options.MaxRequestBodyBytes <= 0)
            failures.Add($"Gateway:MaxRequestBodyBytes must be positive, not {options.MaxRequestBodyBytes}.");
        foreach (var proxy in options.TrustedProxies)
            if (!Security.ClientAddresses.TryParseNetwork(proxy, out _))
                failures.Add($"Gateway:TrustedProxies has '{proxy}'; an entry is an address (10.0.0.5) or a network (10.0.0.0/8).");
        if (!string.IsNullOrWhiteSpace(options.Jwt.JwksUrl) && !IsHttpUrl(options.Jwt.JwksUrl))
            failures.Add($"Gateway:Jwt:JwksUrl must be an absolute http(s) URL, not '{options.Jwt.JwksUrl}'.");
        if (!string.IsNullOrWhiteSpace(options.Jwt.JwksFile) && !string.IsNullOrWhiteSpace(options.Jwt.JwksUrl))
            failures.Add("Gateway:Jwt:JwksFile and Gateway:Jwt:JwksUrl exclude each other; set one.");
        foreach (var origin in options.Cors.AllowedOrigins)
            if (origin != "*" && !IsHttpUrl(origin))
                failures.Add($"Gateway:Cors:AllowedOrigins has '{origin}'; an origin is '*' or like https://ci.example.com.");
        if (options.Cors.AllowCredentials && options.Cors.AllowedOrigins.Contains("*"))
            failures.Add("Gateway:Cors:AllowCredentials cannot be used with the origin '*'; list the origins.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
