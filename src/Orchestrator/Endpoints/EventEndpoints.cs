using Comet.Orchestrator.Infrastructure;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Comet.Application.Common.Exceptions;
using Comet.Application.Events;
using Comet.Application.Events.Queries;
using Comet.Orchestrator.Workers;
using MediatR;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Endpoints;

/// <summary>
/// The live event stream: Server-Sent Events at /api/v1/events, the same as WebSocket text frames at
/// /api/v1/events/ws. A stream first sends what the client missed (after its Last-Event-ID), then live events as the
/// process's feed reads them; see docs/EVENTS.md.
/// </summary>
public static class EventEndpoints
{
    public static void MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/v1/events").WithTags("Events");
        events.MapGet("/", Stream).WithName("StreamEvents")
            .WithSummary("Live events of the projects you can see, as Server-Sent Events; resume with Last-Event-ID.")
            .WithDescription("text/event-stream: each event has `id:` (a number that only grows), `event:` (run.queued, run.started, "
                + "run.finished, job.status, step.status, approval.requested, approval.given, deployment.started, deployment.finished, "
                + "delivery.dead) and `data:` (a JSON object with ids, run number, project slug, names, statuses and times). "
                + "?project=<slug> and ?run=<id> narrow it. Send Last-Event-ID (or ?lastEventId=) to get every kept event after it first; "
                + "when it is older than what is kept (Events:RetainFor, Events:RetainCount), one `reset` event tells you to reload, "
                + "then live events follow. A `: heartbeat` comment comes every Events:Heartbeat (15 s). 404 for a project or run you may not see.")
            .WithResponseExample(StatusCodes.Status200OK, ApiExamples.LiveEvents, contentType: "text/event-stream")
            .Produces<string>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        events.MapGet("/ws", WebSocketStream).WithName("StreamEventsOverWebSocket")
            .WithSummary("The live event stream over a WebSocket: one JSON text frame {id, type, data} per event.")
            .WithDescription("The same events, filters and rules as GET /api/v1/events; resume with ?lastEventId=. A reset frame is "
                + "{id, type: \"reset\", data}. Protocol pings keep the connection open. A plain HTTP request is 400.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task Stream(HttpContext context, IMediator mediator, LiveEventFeed feed, IOptions<LiveEventOptions> options,
        string? project = null, Guid? run = null, long? lastEventId = null)
    {
        var ct = context.RequestAborted;
        var request = new OpenEventStreamQuery { Project = project, RunId = run };
        var scope = await mediator.Send(request, ct);
        var resumeFrom = ResumeFrom(context.Request.Headers["Last-Event-ID"], lastEventId);
        using var subscription = await feed.SubscribeAsync(scope, ct);

        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(ct); // headers now: a proxy's wait for the answer ends here, not at the first event
        var sink = new ServerSentEvents(response);
        await new LiveEventSession(mediator, subscription, request, options.Value, sink).RunAsync(resumeFrom, ct);
    }

    private static async Task WebSocketStream(HttpContext context, IMediator mediator, LiveEventFeed feed, IOptions<LiveEventOptions> options,
        string? project = null, Guid? run = null, long? lastEventId = null)
    {
        if (!context.WebSockets.IsWebSocketRequest)
            throw new BadHttpRequestException("This is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket).");
        var request = new OpenEventStreamQuery { Project = project, RunId = run };
        var scope = await mediator.Send(request, context.RequestAborted);
        using var subscription = await feed.SubscribeAsync(scope, context.RequestAborted);
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = options.Value.Heartbeat });

        // The client sends nothing but its close: reading is how the close (or a dead connection) is noticed.
        using var closed = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var reading = ReadUntilClosedAsync(socket, closed);
        try
        {
            await new LiveEventSession(mediator, subscription, request, options.Value, new WebSocketFrames(socket)).RunAsync(lastEventId, closed.Token);
            if (socket.State == WebSocketState.Open)
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "stream ended; resume with lastEventId", CancellationToken.None);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
            // The client went away.
        }
        await closed.CancelAsync();
        await reading;
    }

    private static async Task ReadUntilClosedAsync(WebSocket socket, CancellationTokenSource closed)
    {
        var buffer = new byte[1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, closed.Token);
                if (received.MessageType == WebSocketMessageType.Close) break;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException)
        {
        }
        await closed.CancelAsync();
    }

    /// <summary>The id to resume after: the Last-Event-ID header an EventSource sends on reconnecting, else ?lastEventId=.</summary>
    private static long? ResumeFrom(string? header, long? query)
    {
        if (string.IsNullOrWhiteSpace(header)) return query;
        if (long.TryParse(header, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)) return id;
        throw new BadHttpRequestException($"Last-Event-ID must be an event id (a whole number) from this stream, not '{header}'.");
    }

    /// <summary>Where a session writes: SSE text or WebSocket frames.</summary>
    internal interface IEventSink
    {
        Task EventAsync(long id, string type, string data, CancellationToken cancellationToken);
        Task HeartbeatAsync(CancellationToken cancellationToken);
    }

    private sealed class ServerSentEvents(HttpResponse response) : IEventSink
    {
        public async Task EventAsync(long id, string type, string data, CancellationToken cancellationToken)
        {
            // The data is one line of JSON (the serializer escapes newlines), so one data: line carries it.
            await response.WriteAsync($"id: {id}\nevent: {type}\ndata: {data}\n\n", cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }

        public async Task HeartbeatAsync(CancellationToken cancellationToken)
        {
            await response.WriteAsync(": heartbeat\n\n", cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
        }
    }

    private sealed class WebSocketFrames(WebSocket socket) : IEventSink
    {
        public Task EventAsync(long id, string type, string data, CancellationToken cancellationToken)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", id);
                writer.WriteString("type", type);
                writer.WritePropertyName("data");
                writer.WriteRawValue(data);
                writer.WriteEndObject();
            }
            return socket.SendAsync(buffer.ToArray(), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }

        public Task HeartbeatAsync(CancellationToken cancellationToken) => Task.CompletedTask; // protocol pings do this
    }

    /// <summary>
    /// One client's stream: the kept events after its resume point (or a reset), then the feed's live events, each
    /// once and in id order; a heartbeat when idle, when the caller's memberships are also read again.
    /// </summary>
    private sealed class LiveEventSession(IMediator mediator, LiveEventSubscription subscription, OpenEventStreamQuery request,
        LiveEventOptions options, IEventSink sink)
    {
        private const int PageSize = 500;
        private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

        private long _lastSent;

        public async Task RunAsync(long? resumeFrom, CancellationToken cancellationToken)
        {
            _lastSent = subscription.JoinedAt;
            if (resumeFrom is { } after) await CatchUpAsync(after, cancellationToken);

            var reader = subscription.Events;
            while (!cancellationToken.IsCancellationRequested)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                idle.CancelAfter(options.Heartbeat);
                bool more;
                try
                {
                    more = await reader.WaitToReadAsync(idle.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    await sink.HeartbeatAsync(cancellationToken);
                    if (!await StillAllowedAsync(cancellationToken)) return;
                    continue;
                }
                if (!more) return; // dropped as too slow, or the server is stopping: the client resumes from its last id
                while (reader.TryRead(out var e))
                    await SendAsync(e, cancellationToken);
            }
        }

        /// <summary>Every kept event after <paramref name="after"/> up to where the feed took over, or a reset when some are gone.</summary>
        private async Task CatchUpAsync(long after, CancellationToken cancellationToken)
        {
            var window = await mediator.Send(new GetLiveEventWindowQuery(), cancellationToken);
            if (!window.CanResumeAfter(after))
            {
                var data = JsonSerializer.Serialize(new
                {
                    reason = "the events after the given id are no longer kept; reload what you show, then follow the live events",
                    lastEventId = after, oldestKept = window.Oldest,
                }, Json);
                await sink.EventAsync(subscription.JoinedAt, LiveEventTypes.Reset, data, cancellationToken);
                return;
            }
            var cursor = after;
            while (cursor < subscription.JoinedAt)
            {
                var page = await mediator.Send(new ReadLiveEventsQuery(cursor, PageSize, subscription.JoinedAt), cancellationToken);
                foreach (var e in page.Where(subscription.Scope.Admits))
                {
                    await sink.EventAsync(e.Id, e.Type, e.Data, cancellationToken);
                }
                if (page.Count < PageSize) break;
                cursor = page[^1].Id;
            }
            // A client ahead of this process's feed (it read another orchestrator's) must not get those events twice.
            _lastSent = Math.Max(after, subscription.JoinedAt);
        }

        private async Task SendAsync(LiveEventDto e, CancellationToken cancellationToken)
        {
            if (e.Id <= _lastSent) return;
            await sink.EventAsync(e.Id, e.Type, e.Data, cancellationToken);
            _lastSent = e.Id;
        }

        private async Task<bool> StillAllowedAsync(CancellationToken cancellationToken)
        {
            try
            {
                subscription.Scope = await mediator.Send(request, cancellationToken);
                return true;
            }
            catch (Exception ex) when (ex is NotFoundException or UnauthorizedException or ForbiddenException)
            {
                return false; // removed from the project (or the account is gone): the stream ends
            }
        }
    }
}
