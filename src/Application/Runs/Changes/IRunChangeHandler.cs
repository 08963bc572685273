using Comet.Application.Common.Interfaces;

namespace Comet.Application.Runs.Changes;

/// <summary>
/// Reacts to run state changes in the transaction that saves them: it may add rows to <paramref name="db"/> (they are
/// saved with the change) but must not call SaveChanges itself. Handlers run in registration order, once per
/// SaveChanges that carries at least one change; changes made through bulk updates (ExecuteUpdate) are not seen.
/// </summary>
public interface IRunChangeHandler
{
    Task OnChangesAsync(IReadOnlyList<RunChange> changes, ICometDbContext db, CancellationToken cancellationToken);
}
