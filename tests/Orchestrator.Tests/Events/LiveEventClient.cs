using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Comet.Orchestrator.Tests.Events;

/// <summary>One event as a client received it: the SSE fields, or a WebSocket frame's {id, type, data}.</summary>
public sealed record ReceivedEvent(long? Id, string Type, JsonElement Data)
{
    public string? Str(string name) => Data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public override string ToString() => $"{Id} {Type} {Data.GetRawText()}";
}

/// <summary>
/// A Server-Sent Events client on a real connection: reads the stream on a task of its own into a channel of events
/// and counts heartbeat comments, as a browser's EventSource would see them.
/// </summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<ReceivedEvent> _events = Channel.CreateUnbounded<ReceivedEvent>();
    private readonly Task _reading;
    private int _heartbeats;

    private SseClient(HttpResponseMessage response)
    {
        _response = response;
        _reading = Task.Run(ReadAsync);
    }

    public HttpResponseMessage Response => _response;
    public int Heartbeats => Volatile.Read(ref _heartbeats);

    public static async Task<SseClient> ConnectAsync(HttpClient client, string path, long? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is { } id) request.Headers.Add("Last-Event-ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ErrorTextAsync(response));
        return new SseClient(response);
    }

    private static async Task<string> ErrorTextAsync(HttpResponseMessage response) =>
        response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync();

    private async Task ReadAsync()
    {
        try
        {
            await using var stream = await _response.Content.ReadAsStreamAsync(_stop.Token);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            long? id = null;
            string? type = null;
            var data = new StringBuilder();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (type is not null || data.Length > 0)
                        await _events.Writer.WriteAsync(new ReceivedEvent(id, type ?? "message", JsonDocument.Parse(data.ToString()).RootElement.Clone()));
                    id = null; type = null; data.Clear();
                }
                else if (line.StartsWith(':')) { if (line.Contains("heartbeat")) Interlocked.Increment(ref _heartbeats); }
                else if (line.StartsWith("id: ")) id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
                else if (line.StartsWith("event: ")) type = line[7..];
                else if (line.StartsWith("data: ")) data.Append(line[6..]);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    /// <summary>Events until one matches <paramref name="last"/> (included); fails after <paramref name="timeout"/>.</summary>
    public Task<List<ReceivedEvent>> ReadUntilAsync(Func<ReceivedEvent, bool> last, TimeSpan? timeout = null) =>
        ReadUntilAsync(_events.Reader, last, timeout);

    /// <summary>Whatever arrives within <paramref name="period"/>.</summary>
    public async Task<List<ReceivedEvent>> ReadForAsync(TimeSpan period)
    {
        var got = new List<ReceivedEvent>();
        using var timer = new CancellationTokenSource(period);
        try
        {
            while (await _events.Reader.WaitToReadAsync(timer.Token))
                while (_events.Reader.TryRead(out var e)) got.Add(e);
        }
        catch (OperationCanceledException)
        {
        }
        return got;
    }

    internal static async Task<List<ReceivedEvent>> ReadUntilAsync(ChannelReader<ReceivedEvent> events, Func<ReceivedEvent, bool> last, TimeSpan? timeout)
    {
        var got = new List<ReceivedEvent>();
        using var timer = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                var e = await events.ReadAsync(timer.Token);
                got.Add(e);
                if (last(e)) return got;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            Assert.Fail($"the awaited event did not come ({(ex is ChannelClosedException ? "stream ended" : "timeout")}); got:\n{string.Join("\n", got)}");
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reading;
        _stop.Dispose();
    }
}

/// <summary>The same stream over a WebSocket: one JSON frame {id, type, data} per event.</summary>
public sealed class WebSocketEventClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<ReceivedEvent> _events = Channel.CreateUnbounded<ReceivedEvent>();
    private readonly Task _reading;

    private WebSocketEventClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reading = Task.Run(ReadAsync);
    }

    public static async Task<WebSocketEventClient> ConnectAsync(Uri baseAddress, string? bearer, string pathAndQuery)
    {
        var socket = new ClientWebSocket();
        if (bearer is not null) socket.Options.SetRequestHeader("Authorization", "Bearer " + bearer);
        var uri = new Uri(new Uri(baseAddress.ToString().Replace("http://", "ws://")), pathAndQuery);
        await socket.ConnectAsync(uri, CancellationToken.None);
        return new WebSocketEventClient(socket);
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (_socket.State == WebSocketState.Open)
            {
                using var message = new MemoryStream();
                WebSocketReceiveResult received;
                do
                {
                    received = await _socket.ReceiveAsync(buffer, _stop.Token);
                    message.Write(buffer, 0, received.Count);
                } while (!received.EndOfMessage);
                if (received.MessageType == WebSocketMessageType.Close) break;
                var frame = JsonDocument.Parse(message.ToArray()).RootElement.Clone();
                await _events.Writer.WriteAsync(new ReceivedEvent(frame.GetProperty("id").GetInt64(), frame.GetProperty("type").GetString()!,
                    frame.GetProperty("data")));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    public Task<List<ReceivedEvent>> ReadUntilAsync(Func<ReceivedEvent, bool> last, TimeSpan? timeout = null) =>
        SseClient.ReadUntilAsync(_events.Reader, last, timeout);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            if (_socket.State == WebSocketState.Open)
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
        await _reading;
        _socket.Dispose();
        _stop.Dispose();
    }
}
