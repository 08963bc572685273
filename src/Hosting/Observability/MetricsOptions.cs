using System.Net;
using Microsoft.Extensions.Options;

namespace Comet.Hosting.Observability;

/// <summary>
/// Settings under "Comet:Metrics": who may read a host's <c>/metrics</c>. Metrics are not public: they tell how busy
/// the server is, which routes and statuses it serves, and how its runs go.
/// </summary>
public sealed class MetricsOptions
{
    public const string Section = "Comet:Metrics";

    /// <summary>
    /// Addresses or CIDR networks that may scrape. Empty (the default): this machine only, 127.0.0.1 and ::1. The client
    /// address is the one the host believes (the gateway: through <c>Gateway:TrustedProxies</c>; the orchestrator:
    /// through <c>Comet:TrustedProxies</c> and the proxy key), so a proxy on this machine does not make everyone local.
    /// </summary>
    /// <remarks>Empty rather than pre-filled: configuration binding appends to an array's defaults instead of replacing them.</remarks>
    public string[] AllowedScrapers { get; set; } = [];

    public static readonly string[] DefaultAllowedScrapers = ["127.0.0.1", "::1"];

    public IReadOnlyList<string> EffectiveAllowedScrapers => AllowedScrapers.Length > 0 ? AllowedScrapers : DefaultAllowedScrapers;

    /// <summary>
    /// When set (not empty), a scraper must also send <c>Authorization: Bearer {token}</c>. Loopback alone does not prove much on
    /// the orchestrator's machine: a sandboxed step with <c>network: true</c> reaches it too.
    /// </summary>
    public string? ScrapeToken { get; set; }

    public const int MinScrapeTokenLength = 16;

    /// <summary>An entry as a network (an address is a network of one), or null when it is neither.</summary>
    public static IPNetwork? ParseScraper(string? entry)
    {
        var text = entry?.Trim();
        if (string.IsNullOrEmpty(text)) return null;
        if (text.Contains('/')) return IPNetwork.TryParse(text, out var network) ? network : null;
        if (!IPAddress.TryParse(text, out var address)) return null;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return new IPNetwork(address, address.GetAddressBytes().Length * 8);
    }
}

public sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        var failures = new List<string>();
        foreach (var entry in options.AllowedScrapers.Where(e => MetricsOptions.ParseScraper(e) is null))
            failures.Add($"Comet:Metrics:AllowedScrapers: '{entry}' is neither an IP address nor a network such as 10.0.0.0/8.");
        if (options.ScrapeToken is { Length: > 0 } token && (token.Length < MetricsOptions.MinScrapeTokenLength || token.Any(char.IsWhiteSpace)))
            failures.Add($"Comet:Metrics:ScrapeToken must be at least {MetricsOptions.MinScrapeTokenLength} characters without spaces "
                         + "(e.g. `openssl rand -hex 24`), or unset.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
