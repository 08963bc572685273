namespace Comet.Domain.Testing;

/// <summary>
/// One test case's result in one job attempt, kept for the run's report and the test's history across runs.
/// <see cref="TestId"/> names the same test in every run (job, suite, class and name), so history and flaky
/// detection can follow it; the commit and branch are copied from the run so those queries need no join.
/// </summary>
public sealed class TestCaseRecord
{
    /// <summary>The longest texts the columns hold (PostgreSQL enforces them; longer ones are cut before storing).</summary>
    public const int MaxSuiteLength = 1024, MaxClassNameLength = 1024, MaxNameLength = 2048, MaxFileLength = 1024;

    private TestCaseRecord() { }

    public TestCaseRecord(Guid projectId, Guid runId, Guid jobId, string jobName, int attempt, string testId,
        string suite, string? className, string name, TestStatus status, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        ProjectId = projectId;
        RunId = runId;
        JobId = jobId;
        JobName = jobName;
        Attempt = attempt;
        TestId = testId;
        Suite = suite;
        ClassName = className;
        Name = name;
        Status = status;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid ProjectId { get; private set; }
    public Guid RunId { get; private set; }
    public Guid JobId { get; private set; }
    public string JobName { get; private set; } = "";
    public int Attempt { get; private set; }
    public string TestId { get; private set; } = "";
    public string Suite { get; private set; } = "";
    public string? ClassName { get; private set; }
    public string Name { get; private set; } = "";
    public TestStatus Status { get; private set; }
    public string? File { get; set; }
    public double? DurationMs { get; set; }
    public string? Message { get; set; }

    /// <summary>Stack trace and output, already cut to a few kilobytes by the parser.</summary>
    public string? Details { get; set; }

    /// <summary>The test runner itself saw it fail and then pass (Surefire's flaky markers).</summary>
    public bool Flaky { get; set; }
    public string? CommitSha { get; set; }
    public string? Branch { get; set; }
    public DateTime CreatedAt { get; private set; }
}
