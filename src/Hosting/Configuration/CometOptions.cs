using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Comet.Hosting.Configuration;

/// <summary>Settings under "Comet": where state lives and which ports the hosts use.</summary>
public sealed class CometOptions
{
    public const string Section = "Comet";

    /// <summary>Database, logs, artifacts, git mirrors and keys live here. Env: COMET_DATA_DIR.</summary>
    public string DataDir { get; set; } = ".comet";

    /// <summary>Env: COMET_ORCHESTRATOR_PORT.</summary>
    public int OrchestratorPort { get; set; } = 5080;

    /// <summary>Env: COMET_GATEWAY_PORT.</summary>
    public int GatewayPort { get; set; } = 8080;

    public string DataDirFullPath => Path.GetFullPath(DataDir);
}

public sealed class CometOptionsValidator : IValidateOptions<CometOptions>
{
    public ValidateOptionsResult Validate(string? name, CometOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDir))
            failures.Add("Comet:DataDir (COMET_DATA_DIR) must name a folder.");
        if (options.OrchestratorPort is < 1 or > 65535)
            failures.Add($"Comet:OrchestratorPort (COMET_ORCHESTRATOR_PORT) must be a port between 1 and 65535, not {options.OrchestratorPort}.");
        if (options.GatewayPort is < 1 or > 65535)
            failures.Add($"Comet:GatewayPort (COMET_GATEWAY_PORT) must be a port between 1 and 65535, not {options.GatewayPort}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class CometOptionsSetup
{
    /// <summary>The settings every host needs, even one without a database (the gateway).</summary>
    public static IServiceCollection AddCometOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CometOptions>().Bind(configuration.GetSection(CometOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CometOptions>, CometOptionsValidator>();
        return services;
    }
}
