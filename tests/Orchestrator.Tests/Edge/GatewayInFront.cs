using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Edge;

/// <summary>
/// The orchestrator in memory but on a real loopback port (Kestrel), and the built gateway (Comet.Gateway.dll) as a
/// process in front of it, sharing the data folder and so the proxy key file, as dev.sh runs them.
/// </summary>
public sealed class GatewayInFront : IAsyncDisposable
{
    private readonly Process _gateway;
    private readonly StringBuilder _output = new();

    private GatewayInFront(OrchestratorFactory orchestrator, int orchestratorPort, Process gateway, int gatewayPort)
    {
        Orchestrator = orchestrator;
        OrchestratorUrl = new Uri($"http://127.0.0.1:{orchestratorPort}/");
        _gateway = gateway;
        GatewayUrl = new Uri($"http://127.0.0.1:{gatewayPort}/");
    }

    public OrchestratorFactory Orchestrator { get; }

    /// <summary>The orchestrator's own loopback address, around the gateway.</summary>
    public Uri OrchestratorUrl { get; }

    /// <summary>The gateway's address: what a user types.</summary>
    public Uri GatewayUrl { get; }

    public string GatewayOutput
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<GatewayInFront> StartAsync(IReadOnlyDictionary<string, string?>? orchestratorSettings = null)
    {
        var orchestratorPort = FreePort.Next();
        var orchestrator = new OrchestratorFactory(orchestratorSettings);
        orchestrator.UseKestrel(k => k.Listen(IPAddress.Loopback, orchestratorPort));
        orchestrator.StartServer();

        var dll = GatewayDll();
        var gatewayPort = FreePort.Next();
        var start = new ProcessStartInfo(DotnetHost(), [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = orchestrator.DataDir,
        };
        foreach (var name in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_URLS" })
            start.Environment.Remove(name);
        start.Environment["COMET_DATA_DIR"] = orchestrator.DataDir;
        start.Environment["COMET_GATEWAY_PORT"] = gatewayPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Gateway__OrchestratorUrl"] = $"http://127.0.0.1:{orchestratorPort}";
        var process = new Process { StartInfo = start };
        var front = new GatewayInFront(orchestrator, orchestratorPort, process, gatewayPort);
        process.OutputDataReceived += (_, e) => front.Append(e.Data);
        process.ErrorDataReceived += (_, e) => front.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await IsListening(gatewayPort))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                var output = front.GatewayOutput;
                await front.DisposeAsync();
                Assert.Fail($"the gateway did not start listening on {gatewayPort}:\n{output}");
            }
            await Task.Delay(100);
        }
        return front;
    }

    /// <summary>
    /// A client of the gateway whose connections come from <paramref name="from"/> (any 127.x address is this
    /// machine), so the gateway sees a client address other than its own.
    /// </summary>
    public HttpClient GatewayClient(string from = "127.0.0.1", bool cookies = false) => ClientFrom(GatewayUrl, from, cookies);

    /// <summary>A client straight to the orchestrator's port, around the gateway.</summary>
    public HttpClient DirectClient(string from = "127.0.0.1") => ClientFrom(OrchestratorUrl, from, cookies: false);

    private static HttpClient ClientFrom(Uri baseAddress, string from, bool cookies)
    {
        var local = IPAddress.Parse(from);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = cookies,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(local, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>The gateway built next to these tests: src/Gateway/bin/{configuration}/{framework}/Comet.Gateway.dll.</summary>
    private static string GatewayDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testBin.Name;
        var configuration = testBin.Parent!.Name;
        var root = testBin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Comet.sln"))) root = root.Parent;
        Assert.That(root, Is.Not.Null, "the repository root (Comet.sln) above " + AppContext.BaseDirectory);
        var dll = Path.Combine(root!.FullName, "src", "Gateway", "bin", configuration, framework, "Comet.Gateway.dll");
        Assert.That(File.Exists(dll), Is.True, $"{dll} is missing: build the solution (dotnet build Comet.sln) first");
        return dll;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    private static async Task<bool> IsListening(int port)
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

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_gateway.HasExited)
            {
                _gateway.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _gateway.WaitForExitAsync(wait.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // never started, or the kill is on its way
        }
        _gateway.Dispose();
        Orchestrator.Dispose();
    }
}
