namespace Comet.Application.Events;

/// <summary>
/// Wakes this process's event feed when events were committed (here, or on another orchestrator through Redis), so
/// clients see them at once instead of at the feed's next poll. Many signals in a row collapse into one wake-up.
/// </summary>
public sealed class LiveEventSignal : Common.Signals.WakeSignal;

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
