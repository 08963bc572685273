using Comet.Application.Common.Interfaces;
using Microsoft.EntityFrameworkCore;

namespace Comet.Infrastructure.Persistence;

/// <summary>
/// PostgreSQL: a transaction-scoped advisory lock on the group's key, so the claim's count and update run after any
/// other node's claim of the same group has committed (READ COMMITTED takes each statement's snapshot after the lock
/// is granted). Different groups hashing alike only wait for each other; they never share a count. SQLite: one writer
/// per database, and the claim is a single UPDATE whose count is read under that write lock, so no extra lock.
/// </summary>
internal sealed class ConcurrencyGroupLock(CometDbContext db) : IConcurrencyGroupLock
{
    public async Task<T> WithLockAsync<T>(IReadOnlyList<string> keys, Func<Task<T>> claim, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql()) return await claim();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var key in keys.Distinct().Order(StringComparer.Ordinal))
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", cancellationToken);
        var result = await claim();
        await transaction.CommitAsync(cancellationToken);
        return result;
    }
}
