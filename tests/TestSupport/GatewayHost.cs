using System.Diagnostics;
using System.Globalization;
using System.Text;
using NUnit.Framework;

namespace Comet.TestSupport;

/// <summary>
/// The built gateway (Comet.Gateway.dll) as a process of its own on a loopback port, its stdout and stderr collected
/// in <see cref="Output"/>. Disposing kills it.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private GatewayHost(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The loopback port the gateway listens on.</summary>
    public int Port { get; }

    /// <summary>The operating system's id of the gateway process.</summary>
    public int ProcessId => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>
    /// Starts <c>dotnet {dll}</c> on <paramref name="dataDir"/> (its working folder too), listening on
    /// <paramref name="port"/> and forwarding to <paramref name="orchestratorUrl"/>; <paramref name="settings"/> as
    /// environment (a:b as a__b). Does not wait for it to listen: see <see cref="WaitUntilListeningAsync"/>.
    /// </summary>
    public static GatewayHost Start(string dll, string dataDir, int port, string orchestratorUrl,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        var start = ChildProcess.Dotnet(dll, dataDir);
        start.Environment["COMET_DATA_DIR"] = dataDir;
        start.Environment["COMET_GATEWAY_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["Gateway__OrchestratorUrl"] = orchestratorUrl;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var process = new Process { StartInfo = start };
        var gateway = new GatewayHost(process, port);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return gateway;
    }

    /// <summary>Null once the gateway listens on its port; otherwise why it does not (it exited, or the time ran out).</summary>
    public async Task<string?> WaitUntilListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_process.HasExited) return $"exited with code {_process.ExitCode} before listening on {Port}";
            if (await ChildProcess.IsListeningAsync(Port)) return null;
            if (DateTime.UtcNow > deadline) return $"did not listen on {Port} within {timeout.TotalSeconds} s";
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits for the gateway to exit on its own (a start-up that must fail): its exit code. Fails the test, showing
    /// the output, if it is still running after <paramref name="timeout"/>.
    /// </summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the gateway was still running after {timeout.TotalSeconds} s:\n{Output}");
        }
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(wait.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // never started, or the kill is on its way
        }
        _process.Dispose();
    }
}
