namespace Comet.Application.Common.Interfaces;

/// <summary>
/// Inserts many new rows at once, outside the unit of work's change tracking: for results that arrive by the
/// thousand (a test report's cases), where tracking every row would cost more than writing it.
/// </summary>
public interface IBulkWriter
{
    /// <summary>
    /// Writes <paramref name="rows"/>, untracked afterwards: in the caller's transaction when there is one, else in
    /// transactions of about 100 ms each, so other writers (a lease renewal) get their turn between them.
    /// </summary>
    Task InsertAsync<T>(IReadOnlyList<T> rows, CancellationToken cancellationToken) where T : class;
}
