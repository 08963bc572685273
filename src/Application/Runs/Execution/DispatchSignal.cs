namespace Comet.Application.Runs.Execution;

/// <summary>
/// Wakes the dispatcher when there is new work (a run was created, a job finished) so it does not
/// wait for its next poll; many signals in a row collapse into one wake-up.
/// </summary>
public sealed class DispatchSignal : Common.Signals.WakeSignal;
