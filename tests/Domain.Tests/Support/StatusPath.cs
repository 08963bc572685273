namespace Comet.Domain.Tests.Support;

/// <summary>
/// Finds a chain of status changes through an EXPECTED transition table (breadth first, so the
/// shortest one), to put an entity into a given status using only moves the design allows.
/// </summary>
internal static class StatusPath
{
    public static IReadOnlyList<TStatus> Find<TStatus>(
        IReadOnlyDictionary<TStatus, TStatus[]> allowed, TStatus from, TStatus to)
        where TStatus : struct, Enum
    {
        var comparer = EqualityComparer<TStatus>.Default;
        var previous = new Dictionary<TStatus, TStatus>();
        var seen = new HashSet<TStatus> { from };
        var queue = new Queue<TStatus>();
        queue.Enqueue(from);

        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            if (comparer.Equals(current, to))
            {
                var path = new List<TStatus>();
                for (var s = to; !comparer.Equals(s, from); s = previous[s]) path.Add(s);
                path.Reverse();
                return path;
            }
            if (!allowed.TryGetValue(current, out var targets)) continue;
            foreach (var next in targets)
            {
                if (!seen.Add(next)) continue;
                previous[next] = current;
                queue.Enqueue(next);
            }
        }
        throw new InvalidOperationException($"The expected table has no path from {from} to {to}.");
    }

    /// <summary>Every (from, to) pair of the enum, each with whether the expected table allows it.</summary>
    public static IEnumerable<(TStatus From, TStatus To, bool Allowed)> AllPairs<TStatus>(
        IReadOnlyDictionary<TStatus, TStatus[]> allowed)
        where TStatus : struct, Enum
    {
        foreach (var from in Enum.GetValues<TStatus>())
        foreach (var to in Enum.GetValues<TStatus>())
            yield return (from, to, allowed.TryGetValue(from, out var targets) && targets.Contains(to));
    }
}
