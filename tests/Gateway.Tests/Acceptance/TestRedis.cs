using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Comet.TestSupport;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>
/// The Redis the rate-limit tests share: COMET_TEST_REDIS (host:port, set by ./dev.sh test) or, when that is
/// unset, a redis-server this test run starts on a free loopback port and stops at the end.
/// </summary>
public static class TestRedis
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _address;
    private static Process? _ownServer;
    private static TempDirectory? _ownFolder;

    public static async Task<string> AddressAsync()
    {
        var configured = Environment.GetEnvironmentVariable("COMET_TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;

        await Gate.WaitAsync();
        try
        {
            return _address ??= await StartOwnServerAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<string> StartOwnServerAsync()
    {
        var server = FindOnPath("redis-server");
        if (server is null)
            Assert.Ignore("COMET_TEST_REDIS is not set and redis-server is not installed (./dev.sh test sets up Redis)");

        _ownFolder = new TempDirectory("comet-test-redis");
        var port = FreePort.Next();
        var start = new ProcessStartInfo(server!,
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _ownFolder.Path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _ownServer = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start");
        _ownServer.OutputDataReceived += (_, _) => { };
        _ownServer.ErrorDataReceived += (_, _) => { };
        _ownServer.BeginOutputReadLine();
        _ownServer.BeginErrorReadLine();

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await AnswersPingAsync(port))
        {
            if (_ownServer.HasExited || DateTime.UtcNow > deadline)
                Assert.Fail($"the redis-server started for the tests did not answer PING on port {port}");
            await Task.Delay(50);
        }
        return $"127.0.0.1:{port}";
    }

    private static async Task<bool> AnswersPingAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Stops the redis-server this run started, if it started one.</summary>
    public static void StopOwnServer()
    {
        if (_ownServer is { } server)
        {
            try
            {
                if (!server.HasExited) server.Kill();
                server.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
            server.Dispose();
            _ownServer = null;
        }
        _ownFolder?.Dispose();
        _ownFolder = null;
        _address = null;
    }
}

[SetUpFixture]
public sealed class AcceptanceEnvironment
{
    [OneTimeTearDown]
    public void StopServicesStartedByTheTests() => TestRedis.StopOwnServer();
}
