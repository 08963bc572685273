namespace Comet.Application.Runs.Changes;

/// <summary>
/// Status changes written by one conditional UPDATE (ExecuteUpdate: a job's claim, a step's start and end, a
/// deployment's end) never pass through the change tracker, so SaveChanges cannot hand them to the
/// <see cref="IRunChangeHandler"/>s. This runs such an update and, when it changed rows, hands the changes it describes
/// to the handlers and saves what they add, all in one transaction (the caller's, when one is open).
/// </summary>
public interface IBulkRunChanges
{
    /// <param name="update">The conditional update; returns the rows it changed.</param>
    /// <param name="describe">The changes made, read after the update (so with the rows' new values); called only when rows changed.</param>
    Task<int> UpdateAsync(Func<Task<int>> update, Func<Task<IReadOnlyList<RunChange>>> describe, CancellationToken cancellationToken);
}
