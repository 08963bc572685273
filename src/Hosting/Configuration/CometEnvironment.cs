using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.CommandLine;

namespace Comet.Hosting.Configuration;

/// <summary>
/// The short environment variables dev.sh and the docs use (COMET_DATA_DIR, COMET_*_PORT), mapped onto
/// configuration keys. They win over appsettings.json and other environment variables; command-line arguments win over them.
/// </summary>
/// <remarks>
/// COMET_BOOTSTRAP_ADMIN holds a password: it is read here once and removed from the process's environment, so no
/// child process (git, tools) inherits it. That changes .NET's copy of the environment, which child processes are
/// started from; /proc/{pid}/environ keeps showing the block the process was started with (the kernel fixed it at
/// exec), which only the same user (or root) can read and which the job sandbox hides from steps.
/// </remarks>
public static class CometEnvironment
{
    private static readonly (string Variable, string Key)[] Map =
    [
        ("COMET_DATA_DIR", "Comet:DataDir"),
        ("COMET_ORCHESTRATOR_PORT", "Comet:OrchestratorPort"),
        ("COMET_GATEWAY_PORT", "Comet:GatewayPort"),
        ("COMET_BOOTSTRAP_ADMIN", "Identity:BootstrapAdmin"),
    ];

    private static readonly string[] Secrets = ["COMET_BOOTSTRAP_ADMIN"];

    public static IConfigurationBuilder AddCometEnvironmentVariables(this IConfigurationBuilder builder)
    {
        var values = new Dictionary<string, string?>();
        foreach (var (variable, key) in Map)
        {
            var value = Environment.GetEnvironmentVariable(variable);
            if (!string.IsNullOrEmpty(value)) values[key] = value;
            if (Secrets.Contains(variable)) Environment.SetEnvironmentVariable(variable, null);
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
