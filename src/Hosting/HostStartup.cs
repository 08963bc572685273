using Comet.Hosting.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Comet.Hosting;

/// <summary>What both hosts do before and around start-up: configuration sources, the listen address, fail-fast errors.</summary>
public static class HostStartup
{
    /// <summary>Reads the COMET_* variables and the "Comet" section; a value of the wrong type names its key.</summary>
    public static CometOptions ReadCometOptions(this WebApplicationBuilder builder)
    {
        builder.Configuration.AddCometEnvironmentVariables();
        return builder.Configuration.GetSection(CometOptions.Section).Get<CometOptions>() ?? new CometOptions();
    }

    /// <summary>
    /// Creates the data folder, if it is missing, for the server's user only (0700): it holds the database, keys,
    /// logs and mirrors. Called before logging, which would otherwise make it first with the umask's mode.
    /// </summary>
    public static void CreateDataFolder(this CometOptions comet) => PrivateFile.CreateFolder(comet.DataDirFullPath);

    /// <summary>
    /// Listens on 127.0.0.1:port unless an address was configured explicitly (ASPNETCORE_URLS, --urls),
    /// which containers use to listen on all interfaces.
    /// </summary>
    public static void ListenOnLoopbackUnlessConfigured(this WebApplicationBuilder builder, int port)
    {
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
    }

    /// <summary>
    /// Runs a host's start-up and turns configuration mistakes into one clear line on stderr and
    /// exit code 2, instead of a stack trace.
    /// </summary>
    public static async Task<int> RunGuardedAsync(string hostName, Func<Task> run)
    {
        try
        {
            await run();
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"{hostName} cannot start, its configuration is invalid: {string.Join(" ", ex.Failures)}");
            return 2;
        }
        catch (InvalidConfigurationException ex)
        {
            await Console.Error.WriteLineAsync($"{hostName} cannot start: {ex.Message}");
            return 2;
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("configuration value", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"{hostName} cannot start, its configuration is invalid: {ex.Message}");
            return 2;
        }
    }
}

/// <summary>A configuration file a host depends on (e.g. the gateway's route file) cannot be used; the message says why.</summary>
public class InvalidConfigurationException(string message) : Exception(message);
