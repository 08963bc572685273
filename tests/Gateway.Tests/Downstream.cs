using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Comet.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Comet.Gateway.Tests;

/// <summary>What the downstream received, as it saw it on the wire.</summary>
public sealed record SeenRequest(string Method, string Path, string RawTarget, string Query, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : null;
}

/// <summary>
/// A real Kestrel app on a loopback port standing in for the orchestrator: it echoes what it gets and offers
/// the awkward answers a proxy must pass through (an event stream, a large body, a slow answer).
/// </summary>
public sealed class Downstream : IAsyncDisposable
{
    public const int BigBodyLength = 20 * 1024 * 1024;

    private readonly WebApplication _app;
    private TaskCompletionSource _releaseSecondEvent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _secondEventWritten;

    private Downstream(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public ConcurrentQueue<SeenRequest> Seen { get; } = new();

    /// <summary>The 20 MB body /api/big sends, the same bytes every time.</summary>
    public static byte[] BigBody { get; } = CreateBigBody();

    public static string BigBodySha256 { get; } = Convert.ToHexString(SHA256.HashData(BigBody));

    public bool SecondEventWritten => _secondEventWritten;

    /// <summary>Arms /api/events: it sends its first event, then waits for <see cref="ReleaseSecondEvent"/>.</summary>
    public void ResetEvents()
    {
        _releaseSecondEvent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _secondEventWritten = false;
    }

    public void ReleaseSecondEvent() => _releaseSecondEvent.TrySetResult();

    public IEnumerable<SeenRequest> SeenContaining(string marker) => Seen.Where(r => r.RawTarget.Contains(marker, StringComparison.Ordinal));

    public static async Task<Downstream> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Comet.Gateway.Tests.Downstream" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var downstream = new Downstream(app, new Uri($"http://127.0.0.1:{port}"));
        downstream.MapEndpoints();
        await app.StartAsync();
        return downstream;
    }

    private void MapEndpoints()
    {
        _app.MapPost("/api/v1/created", async context =>
        {
            await Record(context);
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.Headers.Location = "/api/v1/things/42";
            context.Response.Headers["X-Custom-Answer"] = "forty-two";
            context.Response.Headers.Append("Set-Cookie", "a=1; Path=/");
            context.Response.Headers.Append("Set-Cookie", "b=2; Path=/");
            context.Response.Headers["Keep-Alive"] = "timeout=99";
            context.Response.Headers["Proxy-Connection"] = "keep-alive";
            await context.Response.WriteAsJsonAsync(new { id = 42 });
        });

        _app.MapGet("/api/v1/teapot", async context =>
        {
            await Record(context);
            context.Response.StatusCode = 418;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("short and stout");
        });

        _app.MapGet("/api/events", async context =>
        {
            await Record(context);
            var release = _releaseSecondEvent.Task;
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.WriteAsync("data: 1\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                await release.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (TimeoutException)
            {
                return; // the test gave up; end the stream without the second event
            }
            _secondEventWritten = true;
            await context.Response.WriteAsync("data: 2\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        });

        _app.MapGet("/api/big", async context =>
        {
            await Record(context);
            context.Response.ContentType = "application/octet-stream";
            if (context.Request.Query.ContainsKey("length"))
                context.Response.ContentLength = BigBodyLength;
            const int chunk = 64 * 1024;
            for (var offset = 0; offset < BigBodyLength; offset += chunk)
                await context.Response.Body.WriteAsync(BigBody.AsMemory(offset, Math.Min(chunk, BigBodyLength - offset)), context.RequestAborted);
        });

        _app.MapGet("/api/slow", async context =>
        {
            await Record(context);
            await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
            await context.Response.WriteAsync("too late");
        });

        // Everything else: echo what arrived.
        _app.Map("/{**rest}", async context =>
        {
            var seen = await Record(context);
            context.Response.ContentType = "application/json";
            await JsonSerializer.SerializeAsync(context.Response.Body, seen);
        });
    }

    private async Task<SeenRequest> Record(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var seen = new SeenRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "",
            context.Request.QueryString.Value ?? "",
            headers,
            body);
        Seen.Enqueue(seen);
        return seen;
    }

    private static byte[] CreateBigBody()
    {
        var bytes = new byte[BigBodyLength];
        new Random(20240601).NextBytes(bytes);
        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseSecondEvent();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
