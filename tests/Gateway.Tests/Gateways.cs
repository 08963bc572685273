using System.Globalization;
using System.Net;
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
    private readonly GatewayHost _host;
    private readonly TempDirectory _dataDir;

    private GatewayProcess(GatewayHost host, TempDirectory dataDir)
    {
        _host = host;
        _dataDir = dataDir;
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false })
        {
            BaseAddress = new Uri($"http://127.0.0.1:{host.Port}/"),
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public HttpClient Client { get; }

    public string ClientAddress => "127.0.0.1";

    /// <summary>The loopback port the gateway listens on.</summary>
    public int Port => _host.Port;

    /// <summary>The operating system's id of the gateway process (for /proc/{id}/status).</summary>
    public int ProcessId => _host.ProcessId;

    public string Output => _host.Output;

    public static async Task<GatewayProcess> StartAsync(Uri orchestratorUrl, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var gateway = Launch(orchestratorUrl, settings);
        if (await gateway._host.WaitUntilListeningAsync(TimeSpan.FromSeconds(30)) is { } failure)
        {
            var output = gateway.Output;
            await gateway.DisposeAsync();
            Assert.Fail($"the gateway {failure}:\n{output}");
        }
        return gateway;
    }

    /// <summary>
    /// Runs the gateway and waits for it to exit on its own, for start-ups that must fail: its exit code and
    /// everything it printed. Fails the test if it is still running after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(
        Uri orchestratorUrl, IReadOnlyDictionary<string, string?>? settings, TimeSpan timeout)
    {
        var gateway = Launch(orchestratorUrl, settings);
        try
        {
            var exitCode = await gateway._host.WaitForExitAsync(timeout);
            return (exitCode, gateway.Output);
        }
        finally
        {
            await gateway.DisposeAsync();
        }
    }

    /// <summary>Starts the gateway process in a fresh data folder with its output collected; the caller waits for what it needs.</summary>
    private static GatewayProcess Launch(Uri orchestratorUrl, IReadOnlyDictionary<string, string?>? settings)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Comet.Gateway.dll");
        Assert.That(File.Exists(dll), Is.True, dll);
        var dataDir = new TempDirectory("comet-gateway-process");
        return new GatewayProcess(GatewayHost.Start(dll, dataDir.Path, FreePort.Next(), orchestratorUrl.ToString(), settings), dataDir);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _host.DisposeAsync();
        _dataDir.Dispose();
    }
}
