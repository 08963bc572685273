using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Comet.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Gateway.Tests;

/// <summary>A running gateway and a client that talks to it.</summary>
public interface IGatewayUnderTest : IAsyncDisposable
{
    HttpClient Client { get; }

    /// <summary>The address the gateway sees the client connect from.</summary>
    string ClientAddress { get; }
}

/// <summary>The gateway in memory (TestServer). It sees every client connect from <see cref="RemoteAddress"/>.</summary>
public sealed class GatewayFactory(Uri orchestratorUrl, IReadOnlyDictionary<string, string?>? settings = null)
    : WebApplicationFactory<Program>, IGatewayUnderTest
{
    /// <summary>TestServer gives requests no remote address; a start-up filter sets this one (TEST-NET-1).</summary>
    public static readonly IPAddress RemoteAddress = IPAddress.Parse("192.0.2.10");

    private readonly TempDirectory _dataDir = new("comet-gateway-test");
    private HttpClient? _client;

    public HttpClient Client => _client ??= CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = new Uri("https://gateway.test/"),
        AllowAutoRedirect = false,
        HandleCookies = false,
    });

    public string ClientAddress => RemoteAddress.ToString();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Comet:DataDir", _dataDir.Path);
        builder.UseSetting("Comet:GatewayPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Gateway:OrchestratorUrl", orchestratorUrl.ToString());
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
        builder.ConfigureServices(services => services.AddSingleton<IStartupFilter, RemoteAddressFilter>());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _client?.Dispose();
        base.Dispose(disposing);
        if (disposing) _dataDir.Dispose();
    }

    private sealed class RemoteAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress ??= RemoteAddress;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>The built gateway (Comet.Gateway.dll) run as its own process on a free loopback port.</summary>
public sealed class GatewayProcess : IGatewayUnderTest
{
    private readonly Process _process;
    private readonly TempDirectory _dataDir;
    private readonly StringBuilder _output = new();

    private GatewayProcess(Process process, TempDirectory dataDir, int port)
    {
        _process = process;
        _dataDir = dataDir;
        Port = port;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public HttpClient Client { get; }

    public string ClientAddress => "127.0.0.1";

    /// <summary>The loopback port the gateway listens on.</summary>
    public int Port { get; }

    /// <summary>The operating system's id of the gateway process (for /proc/{id}/status).</summary>
    public int ProcessId => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<GatewayProcess> StartAsync(Uri orchestratorUrl, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var (gateway, process, port) = Launch(orchestratorUrl, settings);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (process.HasExited)
            {
                var output = gateway.Output;
                await gateway.DisposeAsync();
                Assert.Fail($"the gateway exited with code {process.ExitCode} before listening:\n{output}");
            }
            if (await IsListening(port)) return gateway;
            if (DateTime.UtcNow > deadline)
            {
                var output = gateway.Output;
                await gateway.DisposeAsync();
                Assert.Fail($"the gateway did not listen on {port} within 30 s:\n{output}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Runs the gateway and waits for it to exit on its own, for start-ups that must fail: its exit code and
    /// everything it printed. Fails the test if it is still running after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(
        Uri orchestratorUrl, IReadOnlyDictionary<string, string?>? settings, TimeSpan timeout)
    {
        var (gateway, process, _) = Launch(orchestratorUrl, settings);
        try
        {
            using var wait = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"the gateway was still running after {timeout.TotalSeconds} s:\n{gateway.Output}");
            }
            process.WaitForExit(); // drains the redirected output
            return (process.ExitCode, gateway.Output);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    /// <summary>Starts the gateway process with its output collected; the caller waits for what it needs.</summary>
    private static (GatewayProcess Gateway, Process Process, int Port) Launch(Uri orchestratorUrl, IReadOnlyDictionary<string, string?>? settings)
    {
        var (start, dataDir, port) = CreateStartInfo(orchestratorUrl, settings);
        var process = new Process { StartInfo = start };
        var gateway = new GatewayProcess(process, dataDir, port);
        process.OutputDataReceived += (_, e) => gateway.Append(e.Data);
        process.ErrorDataReceived += (_, e) => gateway.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (gateway, process, port);
    }

    private static (ProcessStartInfo Start, TempDirectory DataDir, int Port) CreateStartInfo(
        Uri orchestratorUrl, IReadOnlyDictionary<string, string?>? settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Comet.Gateway.dll");
        Assert.That(File.Exists(dll), Is.True, dll);
        var dataDir = new TempDirectory("comet-gateway-process");
        var port = FreePort.Next();

        var start = new ProcessStartInfo(DotnetHost(), [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDir.Path,
        };
        foreach (var name in new[] { "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "DOTNET_URLS" })
            start.Environment.Remove(name);
        start.Environment["COMET_DATA_DIR"] = dataDir.Path;
        start.Environment["COMET_GATEWAY_PORT"] = port.ToString(CultureInfo.InvariantCulture);
        start.Environment["Gateway__OrchestratorUrl"] = orchestratorUrl.ToString();
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return (start, dataDir, port);
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

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

    /// <summary>The dotnet executable running the tests (the CLI names it in DOTNET_HOST_PATH).</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(wait.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        catch (OperationCanceledException)
        {
            // Kill was sent; the OS finishes it
        }
        _process.Dispose();
        _dataDir.Dispose();
    }
}
