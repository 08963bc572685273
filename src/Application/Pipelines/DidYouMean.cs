namespace Comet.Application.Pipelines;

/// <summary>Suggests the closest known name for a typo (edit distance with transpositions, case-insensitive).</summary>
internal static class DidYouMean
{
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        // Two edits turn most short words into each other ("image" → "stage"); allow them only for longer ones.
        var limit = typed.Length <= 5 ? 1 : 2;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            if (candidate == typed || Math.Abs(candidate.Length - typed.Length) > limit) continue;
            var distance = Distance(typed, candidate);
            if (distance <= limit && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /// <summary>"; did you mean 'needs'?" or nothing.</summary>
    public static string Hint(string typed, IEnumerable<string> candidates) =>
        Closest(typed, candidates) is { } match ? $"; did you mean '{match}'?" : "";

    /// <summary>
    /// Optimal string alignment distance, ignoring case: Levenshtein plus swapping two neighbours ("tset" → "test" is 1).
    /// Three rolling rows, so comparing against thousands of job names allocates little.
    /// </summary>
    public static int Distance(string a, string b)
    {
        var width = b.Length + 1;
        Span<int> rows = width * 3 <= 768 ? stackalloc int[width * 3] : new int[width * 3];
        var beforePrevious = rows[..width];
        var previous = rows.Slice(width, width);
        var current = rows.Slice(2 * width, width);
        for (var j = 0; j < width; j++) previous[j] = j;

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j < width; j++)
            {
                var cost = Same(a[i - 1], b[j - 1]) ? 0 : 1;
                var value = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
                if (i > 1 && j > 1 && Same(a[i - 1], b[j - 2]) && Same(a[i - 2], b[j - 1]))
                    value = Math.Min(value, beforePrevious[j - 2] + 1);
                current[j] = value;
            }
            var recycled = beforePrevious;
            beforePrevious = previous;
            previous = current;
            current = recycled;
        }
        return previous[width - 1];
    }

    private static bool Same(char x, char y) => x == y || char.ToLowerInvariant(x) == char.ToLowerInvariant(y);
}
