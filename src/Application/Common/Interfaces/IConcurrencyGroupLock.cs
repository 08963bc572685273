namespace Comet.Application.Common.Interfaces;

/// <summary>
/// Serialises the claims of one concurrency group across every orchestrator sharing the database. Counting a group's
/// running jobs and taking one more is two reads and a write; without the lock two nodes could both count "none
/// running" and both start a job of a group that allows one. Infrastructure takes a database lock (PostgreSQL) or
/// relies on the database's single writer (SQLite).
/// </summary>
public interface IConcurrencyGroupLock
{
    /// <summary>
    /// Runs <paramref name="claim"/> on the scope's context while holding the locks of <paramref name="keys"/> (a job's
    /// concurrency group and its environment's deploy lock), taken in one order everywhere so two claims never deadlock.
    /// </summary>
    Task<T> WithLockAsync<T>(IReadOnlyList<string> keys, Func<Task<T>> claim, CancellationToken cancellationToken);
}
