using System.Threading.Channels;

namespace Comet.Application.Events;

/// <summary>
/// Wakes this process's event feed when events were committed (here, or on another orchestrator through Redis), so
/// clients see them at once instead of at the feed's next poll. Many signals in a row collapse into one wake-up.
/// </summary>
public sealed class LiveEventSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Returns when notified or when <paramref name="timeout"/> has passed.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await _channel.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>Tells the other orchestrators that events were committed (Redis pub/sub); does nothing without Redis.</summary>
public interface ILiveEventFanOut
{
    void Announce();
}

/// <summary>One process, nobody to tell.</summary>
public sealed class NoLiveEventFanOut : ILiveEventFanOut
{
    public void Announce() { }
}
