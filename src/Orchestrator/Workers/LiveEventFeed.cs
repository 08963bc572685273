using System.Threading.Channels;
using Comet.Application.Events;
using Comet.Application.Events.Queries;
using MediatR;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Workers;

/// <summary>
/// The one reader of the live event log in this process: it reads what was committed after the last event it saw
/// (when woken by a commit here or on another orchestrator, else every Events:PollInterval) and hands each event to
/// the open streams whose scope admits it. However many clients are connected, that is one query per tick.
/// </summary>
public sealed class LiveEventFeed(IServiceScopeFactory scopes, LiveEventSignal signal, IOptions<LiveEventOptions> options, ILogger<LiveEventFeed> logger)
    : BackgroundService
{
    private const int BatchSize = 500;

    private readonly Lock _gate = new();
    private readonly List<LiveEventSubscription> _subscribers = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _cursor;

    /// <summary>
    /// A new subscriber, with the id the feed had reached when it joined: every later event reaches it through the
    /// feed, every earlier one it reads itself (<see cref="ReadLiveEventsQuery"/> up to <see cref="LiveEventSubscription.JoinedAt"/>).
    /// </summary>
    public async Task<LiveEventSubscription> SubscribeAsync(EventStreamScope scope, CancellationToken cancellationToken)
    {
        await _ready.Task.WaitAsync(cancellationToken);
        lock (_gate)
        {
            var subscription = new LiveEventSubscription(this, scope, _cursor, options.Value.ClientBuffer);
            _subscribers.Add(subscription);
            return subscription;
        }
    }

    internal void Remove(LiveEventSubscription subscription)
    {
        lock (_gate) _subscribers.Remove(subscription);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested && !_ready.Task.IsCompleted)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var window = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new GetLiveEventWindowQuery(), stoppingToken);
                _cursor = window.Newest ?? 0;
                _ready.TrySetResult();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The live event feed cannot read the event log; trying again");
                await Task.Delay(options.Value.PollInterval, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var mediator = scope.ServiceProvider.GetRequiredService<IMediator>();
                IReadOnlyList<LiveEventDto> batch;
                do
                {
                    batch = await mediator.Send(new ReadLiveEventsQuery(_cursor, BatchSize), stoppingToken);
                    if (batch.Count > 0) Publish(batch);
                } while (batch.Count == BatchSize);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The live event feed could not read new events; trying again at the next tick");
            }
        }
        lock (_gate)
            foreach (var subscriber in _subscribers) subscriber.Close();
    }

    private void Publish(IReadOnlyList<LiveEventDto> batch)
    {
        lock (_gate)
        {
            for (var i = _subscribers.Count - 1; i >= 0; i--)
            {
                var subscriber = _subscribers[i];
                foreach (var e in batch)
                {
                    if (subscriber.Offer(e)) continue;
                    _subscribers.RemoveAt(i); // too slow: its stream ends, and the client resumes from its Last-Event-ID
                    break;
                }
            }
            _cursor = batch[^1].Id;
        }
    }
}

/// <summary>One open stream's share of the feed: the events its scope admits, buffered up to Events:ClientBuffer.</summary>
public sealed class LiveEventSubscription : IDisposable
{
    private readonly LiveEventFeed _feed;
    private readonly Channel<LiveEventDto> _events;

    internal LiveEventSubscription(LiveEventFeed feed, EventStreamScope scope, long joinedAt, int buffer)
    {
        _feed = feed;
        Scope = scope;
        JoinedAt = joinedAt;
        _events = Channel.CreateBounded<LiveEventDto>(new BoundedChannelOptions(buffer) { SingleReader = true, SingleWriter = true });
    }

    /// <summary>The last event id the feed had read when this subscription joined.</summary>
    public long JoinedAt { get; }

    /// <summary>What the stream may carry; replaced when the caller's memberships are read again.</summary>
    public EventStreamScope Scope { get; set; }

    public ChannelReader<LiveEventDto> Events => _events.Reader;

    /// <summary>The client fell behind by more than its buffer and was dropped.</summary>
    public bool Overflowed { get; private set; }

    internal bool Offer(LiveEventDto e)
    {
        if (!Scope.Admits(e) || _events.Writer.TryWrite(e)) return true;
        Overflowed = true;
        _events.Writer.TryComplete();
        return false;
    }

    internal void Close() => _events.Writer.TryComplete();

    public void Dispose()
    {
        _feed.Remove(this);
        _events.Writer.TryComplete();
    }
}
