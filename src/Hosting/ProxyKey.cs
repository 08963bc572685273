using System.Security.Cryptography;
using System.Text;
using Comet.Hosting.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Comet.Hosting;

/// <summary>
/// What the gateway proves itself with to the orchestrator: a secret sent in <see cref="HeaderName"/> on every forwarded
/// request. An address alone cannot tell the gateway from anything else on the machine (a sandboxed step with network on
/// reaches host loopback too), so the orchestrator believes X-Forwarded-* only from a trusted address that also has this.
/// </summary>
public sealed class ProxyKey
{
    public const string HeaderName = "X-Comet-Proxy";

    private readonly byte[] _value;

    public ProxyKey(IOptions<EdgeOptions> edge, IOptions<CometOptions> comet)
    {
        Value = string.IsNullOrWhiteSpace(edge.Value.ProxyKey)
            ? SharedKeyFile.LoadOrCreate(Path.Combine(comet.Value.DataDirFullPath, "keys", "proxy.key"))
            : edge.Value.ProxyKey.Trim();
        _value = Encoding.UTF8.GetBytes(Value);
    }

    /// <summary>The header value the gateway sends.</summary>
    public string Value { get; }

    /// <summary>Whether a request's header holds the key; compared in constant time, so it cannot be found byte by byte.</summary>
    public bool Matches(string? presented) =>
        !string.IsNullOrEmpty(presented) && CryptographicOperations.FixedTimeEquals(_value, Encoding.UTF8.GetBytes(presented));
}

public static class EdgeSetup
{
    /// <summary>The "Comet" edge settings (validated at start) and the proxy key, for either host.</summary>
    public static IServiceCollection AddCometEdge(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EdgeOptions>().Bind(configuration.GetSection(EdgeOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EdgeOptions>, EdgeOptionsValidator>();
        services.AddSingleton<ProxyKey>();
        return services;
    }
}
