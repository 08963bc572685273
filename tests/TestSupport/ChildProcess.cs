using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;

namespace Comet.TestSupport;

/// <summary>Processes a test starts: the built hosts (dotnet Comet.*.dll), dev.sh, bash.</summary>
public static class ChildProcess
{
    /// <summary>
    /// Runs <paramref name="start"/> to its end: its exit code and everything it wrote to stdout and stderr. Kills it
    /// (with its children) and fails the test if it is still running after <paramref name="timeout"/>; the failure
    /// names <paramref name="description"/> (default: the command) and shows its output so far.
    /// </summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        ProcessStartInfo start, TimeSpan timeout, string? description = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            var what = description ?? $"{start.FileName} {string.Join(' ', start.ArgumentList)}";
            Assert.Fail($"{what} was still running after {timeout.TotalSeconds} s.\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// <c>dotnet {dll} {args}</c> in <paramref name="workingDirectory"/>, without the address variables of the test's
    /// own environment (ASPNETCORE_URLS and the like), so the host's port settings decide where it listens.
    /// </summary>
    public static ProcessStartInfo Dotnet(string dll, string workingDirectory, IEnumerable<string>? args = null)
    {
        var start = new ProcessStartInfo(DotnetHost(), [dll, .. args ?? []])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var name in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_URLS" })
            start.Environment.Remove(name);
        return start;
    }

    /// <summary>The dotnet executable running the tests (the CLI names it in DOTNET_HOST_PATH).</summary>
    public static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    /// <summary>True if something accepts connections on the loopback <paramref name="port"/>.</summary>
    public static async Task<bool> IsListeningAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
