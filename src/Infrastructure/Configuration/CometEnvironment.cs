using Microsoft.Extensions.Configuration;

namespace Comet.Infrastructure.Configuration;

/// <summary>
/// The short environment variables dev.sh and the docs use (COMET_DATA_DIR, COMET_*_PORT), mapped onto
/// configuration keys. Added last, so they win over appsettings.json like any environment variable.
/// </summary>
public static class CometEnvironment
{
    private static readonly (string Variable, string Key)[] Map =
    [
        ("COMET_DATA_DIR", "Comet:DataDir"),
        ("COMET_ORCHESTRATOR_PORT", "Comet:OrchestratorPort"),
        ("COMET_GATEWAY_PORT", "Comet:GatewayPort"),
    ];

    public static IConfigurationBuilder AddCometEnvironmentVariables(this IConfigurationBuilder builder)
    {
        var values = new Dictionary<string, string?>();
        foreach (var (variable, key) in Map)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value)) values[key] = value;
        }
        return builder.AddInMemoryCollection(values);
    }
}
