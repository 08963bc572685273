namespace Comet.Application.TestReports;

public enum TestOutcome
{
    Passed,
    Failed,
    Error,
    Skipped,
}

/// <summary>One test case as a report told it; long texts are cut to <see cref="TestReportParser.MaxTextLength"/>.</summary>
public sealed record TestCaseResult
{
    public required string Suite { get; init; }
    public string? ClassName { get; init; }
    public required string Name { get; init; }
    public string? File { get; init; }
    public TimeSpan? Duration { get; init; }
    public required TestOutcome Outcome { get; init; }
    public string? Message { get; init; }

    /// <summary>Stack trace and output, truncated.</summary>
    public string? Details { get; init; }

    /// <summary>Failed and then passed within the same run (Surefire's flakyFailure/flakyError).</summary>
    public bool Flaky { get; init; }
}

/// <summary>Totals of one suite, counted from its cases (a report's own counts are often wrong or missing).</summary>
public sealed record TestSuiteTotals(string Name, int Tests, int Failures, int Errors, int Skipped, TimeSpan? Duration);

/// <summary>What one report file held, and what could not be read from it.</summary>
public sealed record TestReport(string Format, IReadOnlyList<TestSuiteTotals> Suites, IReadOnlyList<TestCaseResult> Cases, IReadOnlyList<string> Warnings);
