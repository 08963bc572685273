namespace Comet.Domain.Common;

/// <summary>
/// The allowed status changes of one kind of entity. Kept as data so the tests can walk
/// every (from, to) pair and the rules read like the table in DESIGN.md.
/// </summary>
public sealed class TransitionTable<TStatus> where TStatus : struct, Enum
{
    private readonly string _entity;
    private readonly Dictionary<TStatus, HashSet<TStatus>> _allowed = new();

    public TransitionTable(string entity, params (TStatus From, TStatus[] To)[] rules)
    {
        _entity = entity;
        foreach (var (from, to) in rules)
            _allowed[from] = [.. to];
    }

    public bool IsAllowed(TStatus from, TStatus to) =>
        _allowed.TryGetValue(from, out var targets) && targets.Contains(to);

    /// <summary>A status with no way out.</summary>
    public bool IsTerminal(TStatus status) =>
        !_allowed.TryGetValue(status, out var targets) || targets.Count == 0;

    public void EnsureAllowed(TStatus from, TStatus to)
    {
        if (!IsAllowed(from, to))
            throw new InvalidTransitionException(_entity, StatusName.Of(from), StatusName.Of(to));
    }
}
