using Comet.Application.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Comet.Infrastructure.Events;

/// <summary>
/// Live events across orchestrators: after a commit that wrote events, this one publishes on a Redis channel, and
/// every orchestrator subscribed to it wakes its feed, so a client of one sees the events of runs on another at once.
/// The database stays the source: a message only says "read now", so a lost one costs at most a poll interval.
/// Without Redis reachable the feeds fall back to polling; each outage is logged once, with its end.
/// </summary>
public sealed class RedisLiveEventRelay(string configuration, LiveEventSignal signal, ILogger<RedisLiveEventRelay> logger)
    : ILiveEventFanOut, IHostedService, IAsyncDisposable
{
    public static readonly RedisChannel Channel = RedisChannel.Literal("comet:live-events");

    private ConnectionMultiplexer? _redis;
    private int _outage;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var options = ConfigurationOptions.Parse(configuration);
            // Keep trying in the background: the orchestrator starts and serves without Redis (feeds poll meanwhile).
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = 2000;
            _redis = await ConnectionMultiplexer.ConnectAsync(options);
            _redis.ConnectionFailed += (_, e) => NoteOutage(e.Exception?.Message ?? e.FailureType.ToString());
            _redis.ConnectionRestored += (_, _) => NoteRecovery();
            // Subscriptions are restored by the multiplexer after a reconnect.
            await _redis.GetSubscriber().SubscribeAsync(Channel, (_, _) => signal.Notify());
            if (!_redis.IsConnected) NoteOutage("not connected at start");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ArgumentException)
        {
            logger.LogError(ex, "Redis '{Configuration}' cannot be used; live events reach other orchestrators at their next poll", configuration);
        }
    }

    public void Announce()
    {
        if (_redis is not { IsConnected: true } redis) return;
        try
        {
            redis.GetSubscriber().Publish(Channel, "1", CommandFlags.FireAndForget);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            NoteOutage(ex.Message);
        }
    }

    private void NoteOutage(string reason)
    {
        if (Interlocked.Exchange(ref _outage, 1) == 0)
            logger.LogWarning("Redis is unreachable; live events reach other orchestrators at their next poll until it is back: {Reason}", reason);
    }

    private void NoteRecovery()
    {
        if (Interlocked.Exchange(ref _outage, 0) == 1)
        {
            logger.LogInformation("Redis is reachable again; live events reach other orchestrators at once");
            signal.Notify(); // whatever was announced during the outage
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
    }
}
