using System.Collections.Concurrent;
using System.Text.Json;
using Comet.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Comet.Orchestrator.Tests.Outbound;

/// <summary>One request as the fake received it.</summary>
public sealed record ReceivedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body, DateTime At)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
    public string? DeliveryId => Header("X-Comet-Delivery");
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
}

/// <summary>What the fake answers: a status, a body, extra headers; or it never answers (<see cref="Hang"/>).</summary>
public sealed record FakeAnswer(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null)
{
    public bool Hang { get; init; }

    /// <summary>How long the fake takes before it answers.</summary>
    public TimeSpan Delay { get; init; }
    public static FakeAnswer Ok => new(200, "{}");
}

/// <summary>
/// The edge of the world for outbound tests: a small Kestrel server on a loopback port (a forge's API, a webhook
/// receiver) that records every request and answers what the test says, 200 by default. <see cref="Answered"/> keeps
/// the requests it answered 2xx, so a test can count deliveries per X-Comet-Delivery id.
/// </summary>
public sealed class FakeReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private readonly ConcurrentQueue<ReceivedRequest> _answered = new();
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>Decides the answer to each request; default: 200.</summary>
    public Func<ReceivedRequest, FakeAnswer> Responder { get; set; } = _ => FakeAnswer.Ok;

    private FakeReceiver(int port)
    {
        Port = port;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        _app = builder.Build();
        _app.Run(HandleAsync);
    }

    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}";
    public IReadOnlyList<ReceivedRequest> Received => [.. _received];
    public IReadOnlyList<ReceivedRequest> Answered => [.. _answered];

    /// <summary>The most requests the fake was handling at one moment.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public static async Task<FakeReceiver> StartAsync(int? port = null)
    {
        var receiver = new FakeReceiver(port ?? FreePort.Next());
        await receiver._app.StartAsync();
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max) { }
        try
        {
            await AnswerAsync(context);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var request = new ReceivedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body, DateTime.UtcNow);
        _received.Enqueue(request);
        var answer = Responder(request);
        if (answer.Hang)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { });
            return;
        }
        if (answer.Delay > TimeSpan.Zero) await Task.Delay(answer.Delay);
        context.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers ?? new Dictionary<string, string>()) context.Response.Headers[name] = value;
        if (answer.Status is >= 200 and < 300) _answered.Enqueue(request);
        if (answer.Body.Length > 0)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer.Body);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds over what was received, or fails after <paramref name="seconds"/>.</summary>
    public async Task<IReadOnlyList<ReceivedRequest>> WaitForAsync(Func<IReadOnlyList<ReceivedRequest>, bool> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var received = Received;
            if (condition(received)) return received;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"the fake never saw {what}; it got {received.Count}: {string.Join("; ", received.Select(r => $"{r.Method} {r.Path}"))}");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2))) await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }
}
