using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>
/// What must flow through the gateway process as it happens: WebSockets, server-sent events, huge bodies.
/// The tests share one gateway process and downstream; each uses its own downstream endpoint.
/// </summary>
public sealed class StreamingTests : AcceptanceTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private AcceptanceDownstream _downstream = null!;
    private TestGateway _gateway = null!;

    [OneTimeSetUp]
    public async Task StartDownstreamAndGateway()
    {
        _downstream = TrackForFixture(await AcceptanceDownstream.StartAsync());
        _gateway = TrackForFixture(await TestGateway.StartProcessAsync(GatewayConfig.With(
            new Route
            {
                UpstreamPathTemplate = "/live/{room}",
                DownstreamPathTemplate = "/ws",
                DownstreamScheme = "ws",
                DownstreamHostAndPorts = [_downstream.HostAndPort],
            },
            Route.To("/api/{everything}", "/{everything}", _downstream))));
    }

    [Test]
    public async Task A_websocket_route_carries_text_binary_and_close_both_ways_with_the_sub_protocol()
    {
        var (downstream, gateway) = (_downstream, _gateway);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol("comet.v1");

        await socket.ConnectAsync(new Uri($"ws://127.0.0.1:{gateway.Process.Port}/live/lobby"), timeout.Token);

        Assert.That(socket.SubProtocol, Is.EqualTo("comet.v1"), "the sub-protocol the downstream accepted reaches the client");
        var upgrade = downstream.RequestsTo("/ws").Single();
        Assert.That(upgrade.Header("Sec-WebSocket-Protocol"), Does.Contain("comet.v1"));

        await socket.SendAsync(Encoding.UTF8.GetBytes("hello ✓"), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        var (textType, text) = await ReceiveMessage(socket, timeout.Token);
        Assert.That(textType, Is.EqualTo(WebSocketMessageType.Text));
        Assert.That(Encoding.UTF8.GetString(text), Is.EqualTo("hello ✓"));

        var binary = new byte[200_000]; // larger than one frame buffer on either side
        new Random(7).NextBytes(binary);
        await socket.SendAsync(binary, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
        var (binaryType, echoed) = await ReceiveMessage(socket, timeout.Token);
        Assert.That(binaryType, Is.EqualTo(WebSocketMessageType.Binary));
        Assert.That(echoed, Is.EqualTo(binary));

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
        Assert.That(socket.State, Is.EqualTo(WebSocketState.Closed));
        Assert.That(socket.CloseStatus, Is.EqualTo(WebSocketCloseStatus.NormalClosure), "the downstream's close answer came back");
        Assert.That(socket.CloseStatusDescription, Is.EqualTo("bye"));
    }

    private static async Task<(WebSocketMessageType Type, byte[] Data)> ReceiveMessage(WebSocket socket, CancellationToken cancel)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancel);
            if (result.MessageType == WebSocketMessageType.Close)
                Assert.Fail($"the connection was closed ({result.CloseStatus} {result.CloseStatusDescription}) instead of an echo");
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return (result.MessageType, message.ToArray());
        }
    }

    [Test]
    public async Task The_first_server_sent_event_arrives_before_the_downstream_ends_the_stream()
    {
        var (downstream, gateway) = (_downstream, _gateway);

        using var response = await gateway.Client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead).WaitAsync(Patience);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(stream, Encoding.UTF8);

        Assert.That(await ReadLine(reader, "the first event"), Is.EqualTo("data: first"));
        Assert.That(downstream.SecondEventWritten, Is.False, "the first event arrived while the downstream still held the stream open");

        downstream.ReleaseSecondEvent();
        Assert.That(await ReadLine(reader, "the blank line after the first event"), Is.Empty);
        Assert.That(await ReadLine(reader, "the second event"), Is.EqualTo("data: second"));
    }

    private static async Task<string?> ReadLine(StreamReader reader, string what)
    {
        try
        {
            return await reader.ReadLineAsync().WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what} did not arrive within {Patience.TotalSeconds} s: the gateway holds the stream back");
            throw;
        }
    }

    [Test]
    public async Task A_1_GB_download_streams_through_with_flat_memory()
    {
        if (!OperatingSystem.IsLinux()) Assert.Ignore("reads the gateway's peak memory from /proc");
        const long size = 1L << 30;
        const long allowedGrowth = 150L << 20;
        var gateway = _gateway;

        // Warm-up: JIT, connection pools and buffers of a normal download are part of the baseline.
        Assert.That(await Download(gateway.Client, 8L << 20), Is.EqualTo(8L << 20));
        var before = PeakResidentBytes(gateway.Process.ProcessId);

        var received = await Download(gateway.Client, size);

        var after = PeakResidentBytes(gateway.Process.ProcessId);
        await TestContext.Out.WriteLineAsync($"gateway peak RSS: {before >> 20} MB before, {after >> 20} MB after 1 GB");
        Assert.That(received, Is.EqualTo(size), "every byte arrived, in order");
        Assert.That(after - before, Is.LessThan(allowedGrowth),
            string.Create(CultureInfo.InvariantCulture, $"peak RSS grew from {before >> 20} MB to {after >> 20} MB while 1 GB passed through"));
    }

    /// <summary>Reads /bytes/{size} through the gateway, checking each byte against the downstream's pattern; returns the count.</summary>
    private static async Task<long> Download(HttpClient client, long size)
    {
        using var response = await client.GetAsync($"/api/bytes/{size}", HttpCompletionOption.ResponseHeadersRead);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1 << 20];
        var pattern = AcceptanceDownstream.BodyPattern.ToArray();
        long offset = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            var checkedUpTo = 0;
            while (checkedUpTo < read)
            {
                var at = (int)((offset + checkedUpTo) % pattern.Length);
                var length = Math.Min(pattern.Length - at, read - checkedUpTo);
                if (!buffer.AsSpan(checkedUpTo, length).SequenceEqual(pattern.AsSpan(at, length)))
                    Assert.Fail($"the body differs from what the downstream sent near byte {offset + checkedUpTo}");
                checkedUpTo += length;
            }
            offset += read;
        }
        return offset;
    }

    private static long PeakResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        var kilobytes = long.Parse(line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        return kilobytes * 1024;
    }

    [Test]
    public async Task A_client_going_away_cancels_the_downstream_request()
    {
        var (downstream, gateway) = (_downstream, _gateway);
        using var goAway = new CancellationTokenSource();

        var pending = gateway.Client.GetAsync("/api/hold", goAway.Token);
        await Eventually.Until(() => downstream.InFlightHolds == 1, Patience, "the request reaching the downstream");
        await goAway.CancelAsync();

        Assert.That(async () => await pending, Throws.InstanceOf<OperationCanceledException>());
        await Eventually.Until(() => downstream.AbortedHolds == 1, Patience, "the downstream request being cancelled");
        Assert.That(downstream.InFlightHolds, Is.Zero);
    }
}
