using System.Text.RegularExpressions;

namespace Comet.TestSupport;

/// <summary>docs/OBSERVABILITY.md as the list of every metric: which names it mentions (in backticks).</summary>
public static partial class ObservabilityDocs
{
    public const string Path = "docs/OBSERVABILITY.md";

    public static IReadOnlySet<string> DocumentedNames() =>
        BacktickedName().Matches(RepositoryFiles.ReadAllText(Path)).Select(m => m.Groups["name"].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>The metric families of a /metrics answer (its # TYPE lines) that the page does not name.</summary>
    public static IReadOnlyList<string> UndocumentedFamilies(string exposition)
    {
        var documented = DocumentedNames();
        return [.. TypeLine().Matches(exposition).Select(m => m.Groups["name"].Value).Where(name => !documented.Contains(name))];
    }

    /// <summary>A series name as a family: a histogram's _bucket, _sum and _count belong to the histogram's name.</summary>
    public static string FamilyOf(string series) => HistogramSeries().Replace(series, "");

    [GeneratedRegex(@"`(?<name>[a-z_:][a-z0-9_:]*)`")]
    private static partial Regex BacktickedName();

    [GeneratedRegex(@"^# TYPE (?<name>\S+) \S+$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex(@"_(bucket|sum|count)$")]
    private static partial Regex HistogramSeries();
}
