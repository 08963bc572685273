namespace Comet.Application.Outbound;

/// <summary>
/// Wakes the outbox worker when messages were committed (or put back by a redeliver) so they leave soon after the
/// commit instead of at the next poll; many signals in a row collapse into one wake-up.
/// </summary>
public sealed class OutboxSignal : Common.Signals.WakeSignal;
