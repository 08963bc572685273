namespace Comet.Application.Common;

/// <summary>
/// Turns for long writes and the writes that must not wait behind them, within this process. SQLite has one write
/// lock per database and its busy handler retries by sleeping, so a loop of back-to-back report batches starves any
/// other writer; a job's lease renewal then landed seconds late and the lease lapsed while the job ran. Bulk batches
/// and lease renewals both take a turn here (waiters are served in order), so a renewal waits for one batch at most.
/// </summary>
public sealed class DatabaseWriteGate
{
    private readonly SemaphoreSlim _turn = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        return new Turn(_turn);
    }

    /// <summary>The same turn, waited for on the calling thread (the lease heartbeat has a thread of its own).</summary>
    public IDisposable Enter(CancellationToken cancellationToken)
    {
        _turn.Wait(cancellationToken);
        return new Turn(_turn);
    }

    private sealed class Turn(SemaphoreSlim turn) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) turn.Release();
        }
    }
}
