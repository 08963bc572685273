using System.Diagnostics;
using NUnit.Framework;

namespace Comet.TestSupport;

/// <summary>
/// Prometheus's own checker (Debian's <c>prometheus</c> package ships it; ./dev.sh test installs it): <c>promtool check
/// metrics</c> parses exposition text as the server's scraper does and lints the names. Exit 0: accepted, nothing to say.
/// </summary>
public static class Promtool
{
    /// <summary>The promtool on PATH, or null.</summary>
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "promtool"))
        .FirstOrDefault(File.Exists);

    /// <summary>The promtool to use; the test is ignored (not passed) where none is installed.</summary>
    public static string Require() =>
        Find() ?? Ignored("promtool is not installed (Debian package 'prometheus'; ./dev.sh test installs it)");

    /// <summary>Pipes <paramref name="exposition"/> to <c>promtool check metrics</c>: its exit code and everything it printed.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string promtool, string exposition)
    {
        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private static string Ignored(string why)
    {
        Assert.Ignore(why);
        return "";
    }
}
