using System.Collections.Concurrent;
using Comet.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Comet.Orchestrator.Tests.Notifications;

/// <summary>One request as a fake destination received it.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Body);

    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Body).RootElement;
}

/// <summary>
/// A stand-in for the outside world's HTTP endpoints (a generic webhook receiver, Slack, the Telegram Bot API) on a
/// loopback port: it records every request and answers 200, or the statuses queued in <see cref="Answers"/> first.
/// </summary>
public sealed class RecordingReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RecordingReceiver(WebApplication app, int port)
    {
        _app = app;
        BaseUrl = $"http://127.0.0.1:{port}";
    }

    public string BaseUrl { get; }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    /// <summary>Status codes to answer with, in order, before answering 200 again.</summary>
    public ConcurrentQueue<int> Answers { get; } = new();

    /// <summary>Like <see cref="Answers"/>, for one path only (tests sharing the receiver keep out of each other's way).</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<int>> AnswersFor { get; } = new();

    public static async Task<RecordingReceiver> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new RecordingReceiver(app, port);
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            receiver.Requests.Enqueue(new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray()));
            var path = context.Request.Path.ToString();
            context.Response.StatusCode = receiver.AnswersFor.TryGetValue(path, out var queue) && queue.TryDequeue(out var forPath) ? forPath
                : receiver.Answers.TryDequeue(out var status) ? status : 200;
            await context.Response.WriteAsync(context.Response.StatusCode == 200 ? "ok" : "no");
        });
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Waits up to <paramref name="timeout"/> (default 20 s) for <paramref name="count"/> requests matching <paramref name="match"/>.</summary>
    public async Task<List<ReceivedRequest>> WaitForAsync(int count, Func<ReceivedRequest, bool>? match = null, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var seen = Requests.Where(match ?? (_ => true)).ToList();
            if (seen.Count >= count || DateTime.UtcNow > until) return seen;
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
