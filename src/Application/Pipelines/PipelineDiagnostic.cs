namespace Comet.Application.Pipelines;

public enum DiagnosticSeverity { Error, Warning }

/// <summary>One problem in a pipeline file; <see cref="Line"/> and <see cref="Column"/> are 1-based.</summary>
public sealed record PipelineDiagnostic(DiagnosticSeverity Severity, int Line, int Column, string Message)
{
    public override string ToString() => $"{Line}:{Column}: {Severity.ToString().ToLowerInvariant()}: {Message}";
}

/// <summary><see cref="Pipeline"/> is null when any diagnostic is an error; warnings alone keep it.</summary>
public sealed record PipelineParseResult(PipelineDefinition? Pipeline, IReadOnlyList<PipelineDiagnostic> Diagnostics)
{
    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}

/// <summary>Collects diagnostics; stops collecting after a cap so a hostile file cannot make an endless report.</summary>
internal sealed class DiagnosticList
{
    public const int MaxDiagnostics = 500;

    private readonly List<PipelineDiagnostic> _items = [];
    private bool _truncated;

    public bool HasErrors { get; private set; }

    /// <summary>True once further diagnostics would be dropped, so costly messages need not be built.</summary>
    public bool IsFull => _items.Count >= MaxDiagnostics;

    /// <summary>
    /// A did-you-mean for a message. Comparing names is the costly part of linting a huge hostile file, so a file
    /// gets a budget of comparisons; past it (or once the report is full) messages go without suggestions.
    /// </summary>
    public string Hint(string typed, IReadOnlyCollection<string> candidates)
    {
        if (IsFull || candidates.Count > _comparisonBudget) return "";
        _comparisonBudget -= candidates.Count;
        return DidYouMean.Hint(typed, candidates);
    }

    private int _comparisonBudget = 200_000;

    public void Error(Position at, string message) => Add(DiagnosticSeverity.Error, at, message);

    public void Warning(Position at, string message) => Add(DiagnosticSeverity.Warning, at, message);

    private void Add(DiagnosticSeverity severity, Position at, string message)
    {
        if (severity == DiagnosticSeverity.Error) HasErrors = true;
        if (_items.Count >= MaxDiagnostics)
        {
            _truncated = true;
            return;
        }
        _items.Add(new PipelineDiagnostic(severity, at.Line, at.Column, message));
    }

    /// <summary>In file order, so a person can read the report top to bottom.</summary>
    public IReadOnlyList<PipelineDiagnostic> ToSortedList()
    {
        var sorted = _items.OrderBy(d => d.Line).ThenBy(d => d.Column).ToList();
        if (_truncated)
            sorted.Add(new PipelineDiagnostic(DiagnosticSeverity.Error, sorted[^1].Line, sorted[^1].Column,
                $"too many problems; only the first {MaxDiagnostics} are shown"));
        return sorted;
    }
}

/// <summary>A 1-based place in the file.</summary>
internal readonly record struct Position(int Line, int Column)
{
    public static readonly Position FileStart = new(1, 1);
}
