using Comet.Application.Runs.Changes;
using Microsoft.EntityFrameworkCore;

namespace Comet.Infrastructure.Persistence;

/// <summary>
/// Runs a conditional bulk update and the <see cref="IRunChangeHandler"/>s for what it changed in one transaction. On
/// PostgreSQL the live-event lock (<see cref="LiveEventCommitOrder"/>) is taken before the update, so no transaction
/// ever holds the updated rows while waiting for that lock.
/// </summary>
internal sealed class BulkRunChanges(CometDbContext db, IEnumerable<IRunChangeHandler> handlers, LiveEventCommitOrder commitOrder) : IBulkRunChanges
{
    private readonly IRunChangeHandler[] _handlers = [.. handlers];

    public async Task<int> UpdateAsync(Func<Task<int>> update, Func<Task<IReadOnlyList<RunChange>>> describe, CancellationToken cancellationToken)
    {
        if (_handlers.Length == 0) return await update();
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            if (db.Database.IsNpgsql()) await db.Database.ExecuteSqlRawAsync(LiveEventCommitOrder.LockSql, cancellationToken);
            var changed = await update();
            if (changed > 0)
            {
                var changes = await describe();
                foreach (var handler in _handlers) await handler.OnChangesAsync(changes, db, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
                if (changed > 0) commitOrder.Announce();
            }
            return changed;
        }
        finally
        {
            if (own is not null) await own.DisposeAsync();
        }
    }
}
