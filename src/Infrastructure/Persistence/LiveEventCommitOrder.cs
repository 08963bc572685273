using System.Runtime.CompilerServices;
using Comet.Application.Events;
using Comet.Domain.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace Comet.Infrastructure.Persistence;

/// <summary>
/// Makes live event ids commit in order, so a reader that goes on "after id N" never skips one.
/// <para>
/// PostgreSQL gives identity values at insert, but transactions commit in any order: T1 takes id 5, T2 takes 6 and
/// commits, a reader sees 6 and moves past 5, then T1 commits 5. So every transaction that inserts events first takes
/// one transaction-level advisory lock, held until it commits or rolls back: ids are taken under the lock, hence in
/// commit order. The lock is taken before the first insert of the save (and by <see cref="BulkRunChanges"/> before
/// its update), so it is never waited for while holding row locks another event writer may want. It serialises event
/// writers only, and only for the length of their SaveChanges. SQLite needs nothing: it has one writer at a time, and
/// a transaction holds the write lock from its first insert to its commit.
/// </para>
/// After the save (and its commit, when the save ran its own transaction) this process's feed is woken and the other
/// orchestrators are told through <see cref="ILiveEventFanOut"/>.
/// </summary>
public sealed class LiveEventCommitOrder(LiveEventSignal signal, ILiveEventFanOut fanOut) : SaveChangesInterceptor
{
    /// <summary>The advisory lock's key: "Comet live events" in a bigint, apart from the concurrency groups' hashed keys only by chance of a 64-bit hash.</summary>
    public const long LockKey = 0x436F_6D65_744C_4556;

    internal static readonly string LockSql = $"SELECT pg_advisory_xact_lock({LockKey})";

    private sealed class PendingSave
    {
        public IDbContextTransaction? OwnTransaction;
    }

    private readonly ConditionalWeakTable<DbContext, PendingSave> _pending = new();

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context is not { } context || !AddsEvents(context)) return result;
        var pending = new PendingSave();
        _pending.AddOrUpdate(context, pending);
        if (context.Database.IsNpgsql())
        {
            if (context.Database.CurrentTransaction is null)
                pending.OwnTransaction = await context.Database.BeginTransactionAsync(cancellationToken);
            await context.Database.ExecuteSqlRawAsync(LockSql, cancellationToken);
        }
        return result;
    }

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is not { } context || !AddsEvents(context)) return result;
        var pending = new PendingSave();
        _pending.AddOrUpdate(context, pending);
        if (context.Database.IsNpgsql())
        {
            if (context.Database.CurrentTransaction is null) pending.OwnTransaction = context.Database.BeginTransaction();
            context.Database.ExecuteSqlRaw(LockSql);
        }
        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context && _pending.TryGetValue(context, out var pending))
        {
            _pending.Remove(context);
            if (pending.OwnTransaction is { } transaction)
            {
                await using (transaction) await transaction.CommitAsync(cancellationToken);
            }
            Announce();
        }
        return result;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (eventData.Context is { } context && _pending.TryGetValue(context, out var pending))
        {
            _pending.Remove(context);
            if (pending.OwnTransaction is { } transaction)
            {
                using (transaction) transaction.Commit();
            }
            Announce();
        }
        return result;
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) =>
        await AbandonAsync(eventData.Context);

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => AbandonAsync(eventData.Context).GetAwaiter().GetResult();

    public override async Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default) =>
        await AbandonAsync(eventData.Context);

    /// <summary>Wakes this process's feed and tells the others; a wake-up before an outer transaction commits only costs one early read.</summary>
    public void Announce()
    {
        signal.Notify();
        fanOut.Announce();
    }

    private async Task AbandonAsync(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var pending)) return;
        _pending.Remove(context);
        if (pending.OwnTransaction is { } transaction)
            await using (transaction) await transaction.RollbackAsync(CancellationToken.None);
    }

    private static bool AddsEvents(DbContext context) => context.ChangeTracker.Entries<LiveEvent>().Any(e => e.State == EntityState.Added);
}
