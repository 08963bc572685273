using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;

namespace Comet.Infrastructure.Configuration;

/// <summary>
/// The short environment variables dev.sh and the docs use (COMET_DATA_DIR, COMET_*_PORT), mapped onto
/// configuration keys. They win over appsettings.json and other environment variables; command-line arguments win over them.
/// </summary>
public static class CometEnvironment
{
    private static readonly (string Variable, string Key)[] Map =
    [
        ("COMET_DATA_DIR", "Comet:DataDir"),
        ("COMET_ORCHESTRATOR_PORT", "Comet:OrchestratorPort"),
        ("COMET_GATEWAY_PORT", "Comet:GatewayPort"),
        ("COMET_BOOTSTRAP_ADMIN", "Identity:BootstrapAdmin"),
    ];

    public static IConfigurationBuilder AddCometEnvironmentVariables(this IConfigurationBuilder builder)
    {
        var values = new Dictionary<string, string?>();
        foreach (var (variable, key) in Map)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value)) values[key] = value;
        }
        builder.AddInMemoryCollection(values);

        // Command-line arguments (--Comet:DataDir=...) still win over the environment, as usual.
        var added = builder.Sources[^1];
        var commandLine = builder.Sources.ToList().FindIndex(s => s is CommandLineConfigurationSource);
        if (commandLine >= 0)
        {
            builder.Sources.RemoveAt(builder.Sources.Count - 1);
            builder.Sources.Insert(commandLine, added);
        }
        return builder;
    }
}
