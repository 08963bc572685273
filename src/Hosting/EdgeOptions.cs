using System.Net;
using Microsoft.Extensions.Options;

namespace Comet.Hosting;

/// <summary>
/// Settings under "Comet" for how the hosts meet the outside world: the one public address every link uses, and which
/// proxies the orchestrator believes about the client (X-Forwarded-*).
/// </summary>
public sealed class EdgeOptions
{
    public const string Section = "Comet";

    /// <summary>
    /// The address users reach Comet at (e.g. https://ci.example.com). Artifact URLs, the OAuth redirect_uri and run
    /// links use it. Unset: the address the client used at the gateway.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// Addresses (or CIDR networks) of the proxies whose X-Forwarded-For/-Proto/-Host the orchestrator believes, and only
    /// when the request also carries the proxy key. Empty (the default): this machine, 127.0.0.1 and ::1 (the gateway of dev.sh).
    /// </summary>
    /// <remarks>Empty rather than pre-filled: configuration binding appends to an array's defaults instead of replacing them.</remarks>
    public string[] TrustedProxies { get; set; } = [];

    public static readonly string[] DefaultTrustedProxies = ["127.0.0.1", "::1"];

    public IReadOnlyList<string> EffectiveTrustedProxies => TrustedProxies.Length > 0 ? TrustedProxies : DefaultTrustedProxies;

    /// <summary>
    /// The secret the gateway sends in X-Comet-Proxy (base64, at least 32 bytes). Set it when the gateway runs on another
    /// machine; unset, both hosts share {DataDir}/keys/proxy.key, made by whichever starts first.
    /// </summary>
    public string? ProxyKey { get; set; }

    public Uri? PublicUri => string.IsNullOrWhiteSpace(PublicUrl) ? null : new Uri(PublicUrl.TrimEnd('/') + "/");

    /// <summary>A trusted proxy entry as an address or a network, or null when it is neither.</summary>
    public static IPNetwork? ParseProxy(string entry)
    {
        if (IPNetwork.TryParse(entry, out var network)) return network;
        if (IPAddress.TryParse(entry, out var address)) return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        return null;
    }
}

public sealed class EdgeOptionsValidator : IValidateOptions<EdgeOptions>
{
    public ValidateOptionsResult Validate(string? name, EdgeOptions options)
    {
        var failures = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.PublicUrl)
            && !(Uri.TryCreate(options.PublicUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                 && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment)))
            failures.Add($"Comet:PublicUrl must be an absolute http(s) address without query or fragment (e.g. https://ci.example.com), not '{options.PublicUrl}'.");
        foreach (var entry in options.TrustedProxies.Where(e => EdgeOptions.ParseProxy(e) is null))
            failures.Add($"Comet:TrustedProxies: '{entry}' is neither an IP address nor a network such as 10.0.0.0/8.");
        if (!string.IsNullOrWhiteSpace(options.ProxyKey))
        {
            try
            {
                if (Convert.FromBase64String(options.ProxyKey).Length < 32)
                    failures.Add("Comet:ProxyKey must be at least 32 bytes, written in base64 (e.g. `openssl rand -base64 32`).");
            }
            catch (FormatException)
            {
                failures.Add("Comet:ProxyKey is not base64 (make one with `openssl rand -base64 32`).");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
