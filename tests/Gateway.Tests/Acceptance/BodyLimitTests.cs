using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using static Comet.Gateway.Tests.Acceptance.Answers;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>Gateway:MaxRequestBodyBytes, against one gateway process that accepts at most 1024 bytes.</summary>
public sealed class BodyLimitTests : AcceptanceTest
{
    private AcceptanceDownstream _downstream = null!;
    private TestGateway _gateway = null!;

    [OneTimeSetUp]
    public async Task StartDownstreamAndGateway()
    {
        _downstream = TrackForFixture(await AcceptanceDownstream.StartAsync());
        _gateway = TrackForFixture(await TestGateway.StartProcessAsync(
            GatewayConfig.With(
                Route.To("/api/{everything}", "/{everything}", _downstream),
                Route.To("/guarded/{everything}", "/{everything}", _downstream) with
                {
                    QoSOptions = new QoSOptions(ExceptionsAllowedBeforeBreaking: 2, DurationOfBreak: 60_000),
                }),
            new Dictionary<string, string?> { ["Gateway:MaxRequestBodyBytes"] = "1024" }));
    }

    /// <summary>A body whose length is unknown in advance, so it goes out chunked, 256 bytes at a time.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += 256)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(256, bytes.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    private static HttpContent Body(int length, bool chunked)
    {
        var bytes = new byte[length];
        Array.Fill(bytes, (byte)'x');
        HttpContent content = chunked ? new ChunkedContent(bytes) : new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    [TestCase(false, TestName = "{m}(with Content-Length)")]
    [TestCase(true, TestName = "{m}(chunked)")]
    public async Task A_request_body_over_the_limit_is_refused_with_413(bool chunked)
    {
        var marker = Guid.NewGuid().ToString("N");

        using var response = await _gateway.Client.PostAsync("/api/upload/" + marker, Body(2048, chunked));

        await ProblemOf(response, 413);
        AssertSecurityHeaders(response, "413");
        Assert.That(response.Header("X-Request-Id"), Does.Match("^[0-9a-f]{32}$"), "the 413 carries the request id");
        var reached = _downstream.Requests.Where(r => r.Path.EndsWith(marker, StringComparison.Ordinal)).ToList();
        Assert.That(reached.Where(r => r.Body.Length > 1024), Is.Empty, "the oversized body never reached the downstream whole");
        if (!chunked) Assert.That(reached, Is.Empty, "a declared oversized body is refused before forwarding");
    }

    [TestCase(false, TestName = "{m}(with Content-Length)")]
    [TestCase(true, TestName = "{m}(chunked)")]
    public async Task A_request_body_within_the_limit_is_forwarded_whole(bool chunked)
    {
        using var response = await _gateway.Client.PostAsync("/api/upload", Body(1000, chunked));

        var seen = await EchoOf(response);
        Assert.That(seen.Body, Is.EqualTo(new string('x', 1000)));
    }

    [Test]
    public async Task A_body_sent_after_the_clients_own_100_continue_is_forwarded_whole()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/upload") { Content = Body(1000, chunked: false) };
        request.Headers.ExpectContinue = true;

        using var response = await _gateway.Client.SendAsync(request);

        var seen = await EchoOf(response);
        Assert.That(seen.Body, Is.EqualTo(new string('x', 1000)));
    }

    [Test]
    public async Task Oversized_request_bodies_are_the_clients_fault_and_do_not_open_the_breaker()
    {
        // A slow client: its chunked body is still arriving while the gateway forwards it, and it keeps sending
        // after the 413 (a raw socket, because HttpClient gives up on the broken pipe before reading the answer).
        for (var i = 0; i < 3; i++)
            Assert.That(await PostSlowChunkedBody("/guarded/upload", chunks: 16, chunkSize: 256), Is.EqualTo(413), $"oversized upload {i + 1}");

        using var normal = await _gateway.Client.GetAsync("/guarded/cards");

        Assert.That(normal.StatusCode, Is.EqualTo(HttpStatusCode.OK),
            "three refused uploads are not three failures of the downstream; the breaker (2 allowed) must stay closed");
    }

    /// <summary>Sends a chunked POST chunk by chunk with pauses, ignoring a connection the gateway closes; returns the answer's status.</summary>
    private async Task<int> PostSlowChunkedBody(string path, int chunks, int chunkSize)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _gateway.Process.Port);
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
        var chunk = Encoding.ASCII.GetBytes($"{chunkSize:x}\r\n{new string('x', chunkSize)}\r\n");
        try
        {
            for (var i = 0; i < chunks; i++)
            {
                await stream.WriteAsync(chunk);
                await Task.Delay(10);
            }
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
        }
        catch (IOException)
        {
            // the gateway answered and closed the connection while we were still sending
        }
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)) ?? "";
        Assert.That(statusLine, Does.StartWith("HTTP/1.1 "));
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
