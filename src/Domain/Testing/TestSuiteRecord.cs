namespace Comet.Domain.Testing;

/// <summary>Totals of one test suite in one job attempt, as counted from its cases.</summary>
public sealed class TestSuiteRecord
{
    /// <summary>The same limit as a case's suite (<see cref="TestCaseRecord.MaxSuiteLength"/>).</summary>
    public const int MaxNameLength = TestCaseRecord.MaxSuiteLength;

    private TestSuiteRecord() { }

    public TestSuiteRecord(Guid runId, Guid jobId, string name, int tests, int failures, int errors, int skipped, double? durationMs)
    {
        Id = Guid.CreateVersion7();
        RunId = runId;
        JobId = jobId;
        Name = name;
        Tests = tests;
        Failures = failures;
        Errors = errors;
        Skipped = skipped;
        DurationMs = durationMs;
    }

    public Guid Id { get; private set; }
    public Guid RunId { get; private set; }
    public Guid JobId { get; private set; }
    public string Name { get; private set; } = "";
    public int Tests { get; private set; }
    public int Failures { get; private set; }
    public int Errors { get; private set; }
    public int Skipped { get; private set; }
    public double? DurationMs { get; private set; }
}
