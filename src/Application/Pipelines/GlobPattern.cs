namespace Comet.Application.Pipelines;

/// <summary>
/// Globs for branches, tags and paths: <c>*</c> matches within one path segment, <c>**</c> (a whole segment)
/// any number of segments, <c>?</c> one character other than '/'. Everything else is literal.
/// Matching is linear-ish dynamic programming, never a backtracking regex, so a pattern from a file cannot stall us.
/// </summary>
public static class GlobPattern
{
    public static bool IsMatch(string pattern, string text)
    {
        var patternSegments = Normalize(pattern).Split('/');
        var textSegments = text.Split('/');
        var p = patternSegments.Length;
        var t = textSegments.Length;

        // matches[i, j]: pattern segments from i match text segments from j.
        var matches = new bool[p + 1, t + 1];
        matches[p, t] = true;
        for (var i = p - 1; i >= 0; i--)
        {
            for (var j = t; j >= 0; j--)
            {
                matches[i, j] = patternSegments[i] == "**"
                    ? matches[i + 1, j] || (j < t && matches[i, j + 1])
                    : j < t && matches[i + 1, j + 1] && SegmentMatches(patternSegments[i], textSegments[j]);
            }
        }
        return matches[0, 0];
    }

    // "./src/**" and "/src/**" mean "src/**" (paths are relative to the repository); "docs/" means everything below docs.
    private static string Normalize(string pattern)
    {
        var p = pattern.TrimStart('/');
        while (p.StartsWith("./", StringComparison.Ordinal)) p = p[2..];
        if (p.EndsWith('/')) p += "**";
        return p;
    }

    /// <summary>Wildcard match of one segment ('*' and '?'), remembering only the last star: O(n·m) at worst.</summary>
    private static bool SegmentMatches(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, afterStar = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]) && pattern[p] != '*')
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                afterStar = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++afterStar;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
