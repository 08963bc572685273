namespace Comet.Application.Common.Interfaces;

/// <summary>
/// Serialises the claims of one concurrency group across every orchestrator sharing the database. Counting a group's
/// running jobs and taking one more is two reads and a write; without the lock two nodes could both count "none
/// running" and both start a job of a group that allows one. Infrastructure takes a database lock (PostgreSQL) or
/// relies on the database's single writer (SQLite).
/// </summary>
public interface IConcurrencyGroupLock
{
    /// <summary>Runs <paramref name="claim"/> on the scope's context while holding the lock of <paramref name="groupKey"/>.</summary>
    Task<T> WithLockAsync<T>(string groupKey, Func<Task<T>> claim, CancellationToken cancellationToken);
}
