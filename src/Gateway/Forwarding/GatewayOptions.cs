using Microsoft.Extensions.Options;

namespace Comet.Gateway.Forwarding;

/// <summary>Settings under "Gateway".</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Where the orchestrator listens. Empty: http://127.0.0.1:{Comet:OrchestratorPort}.</summary>
    public string? OrchestratorUrl { get; set; }

    /// <summary>How long to wait for the orchestrator's response headers. Bodies (log streams) may take longer.</summary>
    public TimeSpan ResponseHeadersTimeout { get; set; } = TimeSpan.FromSeconds(100);
}

public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        if (!string.IsNullOrEmpty(options.OrchestratorUrl)
            && !(Uri.TryCreate(options.OrchestratorUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            return ValidateOptionsResult.Fail($"Gateway:OrchestratorUrl must be an absolute http(s) URL, not '{options.OrchestratorUrl}'.");
        if (options.ResponseHeadersTimeout <= TimeSpan.Zero)
            return ValidateOptionsResult.Fail("Gateway:ResponseHeadersTimeout must be positive (e.g. 00:01:40).");
        return ValidateOptionsResult.Success;
    }
}
