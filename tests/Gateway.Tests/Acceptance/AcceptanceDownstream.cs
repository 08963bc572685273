using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Comet.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>One request as the downstream saw it on the wire.</summary>
public sealed record Received(string Server, string Method, string Path, string RawTarget, string Query, Dictionary<string, string> Headers, string Body)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// A real Kestrel app on a loopback port behind the gateway under test. Everything it does not know it echoes
/// as JSON (<see cref="Received"/>); a few paths give the answers a gateway must cope with:
/// <list type="bullet">
/// <item><c>/status/{code}</c> answers that status.</item>
/// <item><c>/slow/{ms}</c> answers after that many milliseconds.</item>
/// <item><c>/hold</c> keeps the request open until <see cref="ReleaseHeld"/> (or the caller goes away).</item>
/// <item><c>/events</c> sends one server-sent event, then the second after <see cref="ReleaseSecondEvent"/>.</item>
/// <item><c>/bytes/{count}</c> streams that many bytes, made on the fly from one small buffer.</item>
/// <item><c>/ws</c> is a WebSocket echo that accepts the first requested sub-protocol.</item>
/// <item><c>/hop-by-hop</c> answers with hop-by-hop headers that must not reach the client.</item>
/// <item><c>/own-headers</c> answers with an X-Frame-Options of its own and echoes X-Request-Id, as the orchestrator does.</item>
/// <item><c>/swagger/v1/swagger.json</c> is a small OpenAPI document, as the orchestrator publishes one.</item>
/// <item><c>/page</c> is a small HTML page; <c>?csp=</c> gives it that Content-Security-Policy of its own.</item>
/// <item><c>/sink/{limit}</c> takes a body of at most that many bytes, as the orchestrator's webhooks do (413
/// problem+json, from the headers when it can); it records only bodies it took whole, with their length as the body.</item>
/// </list>
/// </summary>
public sealed class AcceptanceDownstream : IAsyncDisposable
{
    private static readonly byte[] Pattern = CreatePattern();

    private readonly WebApplication _app;
    private TaskCompletionSource _releaseHeld = NewSignal();
    private TaskCompletionSource _releaseSecondEvent = NewSignal();
    private int _inFlightHolds;
    private int _abortedHolds;
    private int _refusedBodies;
    private volatile bool _secondEventWritten;
    private volatile int _failWith;
    private bool _stopped;

    private AcceptanceDownstream(WebApplication app, string name, int port)
    {
        _app = app;
        Name = name;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Requests to <c>/hold</c> that are still waiting for <see cref="ReleaseHeld"/>.</summary>
    public int InFlightHolds => Volatile.Read(ref _inFlightHolds);

    /// <summary>Requests to <c>/hold</c> whose caller went away before the release.</summary>
    public int AbortedHolds => Volatile.Read(ref _abortedHolds);

    public bool SecondEventWritten => _secondEventWritten;

    /// <summary>Bodies <c>/sink/{limit}</c> refused as too large.</summary>
    public int RefusedBodies => Volatile.Read(ref _refusedBodies);

    /// <summary>The bytes /bytes/{count} repeats; byte i of the body is Pattern[i % Pattern.Length].</summary>
    public static ReadOnlySpan<byte> BodyPattern => Pattern;

    public static async Task<AcceptanceDownstream> StartAsync(string name = "downstream", int? port = null)
    {
        var chosenPort = port ?? FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Comet.Gateway.Tests.Acceptance.Downstream" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{chosenPort}");
        // The 1 GB download must not be cut off by Kestrel's slow-reader protection when the test machine is busy.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MinResponseDataRate = null);
        var app = builder.Build();
        var downstream = new AcceptanceDownstream(app, name, chosenPort);
        app.UseWebSockets();
        downstream.MapEndpoints();
        await app.StartAsync();
        return downstream;
    }

    public HostAndPort HostAndPort => new("127.0.0.1", Port);

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    public int Count => Requests.Count;

    public IEnumerable<Received> RequestsTo(string pathPrefix) =>
        Requests.Where(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal));

    /// <summary>From now on every echo answer is this status (500 makes a failing service).</summary>
    public void FailWith(int status) => _failWith = status;

    public void Heal() => _failWith = 0;

    public void ReleaseHeld()
    {
        var previous = Interlocked.Exchange(ref _releaseHeld, NewSignal());
        previous.TrySetResult();
    }

    public void ReleaseSecondEvent() => _releaseSecondEvent.TrySetResult();

    /// <summary>Stops listening; the port then refuses connections.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        _releaseHeld.TrySetResult();
        _releaseSecondEvent.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    /// <summary>What <c>/swagger/v1/swagger.json</c> answers: one path, /api/v1/projects.</summary>
    public const string OpenApiDocument = """
        {
          "openapi": "3.0.4",
          "info": { "title": "Comet orchestrator", "version": "v1" },
          "paths": {
            "/api/v1/projects": {
              "get": { "summary": "Lists the projects", "responses": { "200": { "description": "The projects" } } }
            }
          }
        }
        """;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void MapEndpoints()
    {
        _app.Map("/status/{code:int}", async (HttpContext context, int code) =>
        {
            await Record(context);
            context.Response.StatusCode = code;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync($"{Name} answers {code}");
        });

        _app.Map("/slow/{ms:int}", async (HttpContext context, int ms) =>
        {
            await Record(context);
            await Task.Delay(ms, context.RequestAborted);
            await context.Response.WriteAsync("finally");
        });

        _app.Map("/hold", async context =>
        {
            await Record(context);
            var release = _releaseHeld.Task;
            Interlocked.Increment(ref _inFlightHolds);
            try
            {
                await release.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _abortedHolds);
                return;
            }
            catch (TimeoutException)
            {
                // the test gave up on this request
            }
            finally
            {
                Interlocked.Decrement(ref _inFlightHolds);
            }
            await context.Response.WriteAsync($"released by {Name}");
        });

        _app.Map("/events", async context =>
        {
            await Record(context);
            var release = _releaseSecondEvent.Task;
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.WriteAsync("data: first\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                await release.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (TimeoutException)
            {
                return;
            }
            _secondEventWritten = true;
            await context.Response.WriteAsync("data: second\n\n", context.RequestAborted);
        });

        _app.Map("/bytes/{count:long}", async (HttpContext context, long count) =>
        {
            await Record(context);
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = count;
            var pattern = Pattern.AsMemory();
            for (long sent = 0; sent < count;)
            {
                var length = (int)Math.Min(pattern.Length, count - sent);
                await context.Response.Body.WriteAsync(pattern[..length], context.RequestAborted);
                sent += length;
            }
        });

        _app.Map("/hop-by-hop", async context =>
        {
            await Record(context);
            context.Response.Headers["Keep-Alive"] = "timeout=99";
            context.Response.Headers["Proxy-Connection"] = "keep-alive";
            context.Response.Headers["Proxy-Authenticate"] = "Basic realm=\"downstream\"";
            context.Response.Headers["X-End-To-End-Answer"] = "kept";
            await context.Response.WriteAsync("hop");
        });

        _app.Map("/own-headers", async context =>
        {
            await Record(context);
            context.Response.Headers.XFrameOptions = "SAMEORIGIN";
            context.Response.Headers["X-Request-Id"] = context.Request.Headers["X-Request-Id"];
            await context.Response.WriteAsync("own");
        });

        _app.MapGet("/swagger/v1/swagger.json", async context =>
        {
            await Record(context);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(OpenApiDocument);
        });

        _app.MapGet("/page", async context =>
        {
            await Record(context);
            if (context.Request.Query["csp"] is { Count: > 0 } csp) context.Response.Headers.ContentSecurityPolicy = csp;
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync($"<!DOCTYPE html><title>{Name}</title><p>a page</p>");
        });

        _app.Map("/sink/{limit:long}", async (HttpContext context, long limit) =>
        {
            var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = limit;
            long length = 0;
            var tooLarge = context.Request.ContentLength > limit;
            if (!tooLarge)
            {
                var buffer = new byte[81920];
                try
                {
                    int read;
                    while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0) length += read;
                }
                catch (BadHttpRequestException)
                {
                    tooLarge = true;
                }
            }
            if (tooLarge)
            {
                Interlocked.Increment(ref _refusedBodies);
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                context.Response.ContentType = "application/problem+json";
                await context.Response.WriteAsync($$"""{"status":413,"title":"Payload too large","detail":"{{Name}} takes at most {{limit}} bytes."}""");
                return;
            }
            Requests.Enqueue(new Received(Name, context.Request.Method, context.Request.Path.Value ?? "", "", "",
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                length.ToString(CultureInfo.InvariantCulture)));
            await context.Response.WriteAsync(length.ToString(CultureInfo.InvariantCulture));
        });

        _app.Map("/ws", async context =>
        {
            await Record(context);
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            var protocol = context.WebSockets.WebSocketRequestedProtocols.FirstOrDefault();
            using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
            await Echo(socket, context.RequestAborted);
        });

        _app.Map("/{**rest}", async context =>
        {
            var seen = await Record(context);
            if (_failWith != 0)
            {
                context.Response.StatusCode = _failWith;
                await context.Response.WriteAsync($"{Name} is failing");
                return;
            }
            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body, seen);
        });
    }

    private static async Task Echo(WebSocket socket, CancellationToken aborted)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, aborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(result.CloseStatus ?? WebSocketCloseStatus.NormalClosure, result.CloseStatusDescription, aborted);
                    return;
                }
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            await socket.SendAsync(message.ToArray(), result.MessageType, endOfMessage: true, aborted);
        }
    }

    private async Task<Received> Record(HttpContext context)
    {
        var body = "";
        if (!context.WebSockets.IsWebSocketRequest)
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }
        var seen = new Received(
            Name,
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "",
            context.Request.QueryString.Value ?? "",
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body);
        Requests.Enqueue(seen);
        return seen;
    }

    private static byte[] CreatePattern()
    {
        var bytes = new byte[64 * 1024];
        for (var i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)(i * 31 % 251);
        return bytes;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} on port {Port}");
}
