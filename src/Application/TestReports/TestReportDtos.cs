using Comet.Domain.Testing;

namespace Comet.Application.TestReports;

public sealed record TestTotalsDto(int Tests, int Passed, int Failed, int Errors, int Skipped, int Flaky, double DurationMs)
{
    public static readonly TestTotalsDto Empty = new(0, 0, 0, 0, 0, 0, 0);

    public TestTotalsDto Plus(TestTotalsDto other) => new(Tests + other.Tests, Passed + other.Passed, Failed + other.Failed,
        Errors + other.Errors, Skipped + other.Skipped, Flaky + other.Flaky, DurationMs + other.DurationMs);
}

public sealed record TestSuiteDto(string Name, int Tests, int Failures, int Errors, int Skipped, double? DurationMs);

public sealed record JobTestsDto(Guid JobId, string JobName, int Attempt, TestTotalsDto Totals, IReadOnlyList<TestSuiteDto> Suites);

public sealed record TestCaseDto(string TestId, Guid JobId, string JobName, int Attempt, string Suite, string? ClassName, string Name,
    string? File, double? DurationMs, TestStatus Status, string? Message, string? Details, bool Flaky);

public sealed record RunTestsDto(Guid RunId, TestTotalsDto Totals, IReadOnlyList<JobTestsDto> Jobs, IReadOnlyList<TestCaseDto> Cases, bool Truncated);

public sealed record TestResultDto(Guid RunId, long RunNumber, Guid JobId, int Attempt, string? CommitSha, string? Branch, TestStatus Status,
    double? DurationMs, string? Message, bool Flaky, DateTime CreatedAt);

public sealed record TestHistoryDto(string TestId, string JobName, string Suite, string? ClassName, string Name, IReadOnlyList<TestResultDto> Results);

public sealed record FlakyTestDto(string TestId, string JobName, string Suite, string? ClassName, string Name, double FlipRate, int Flips,
    int Results, bool MixedOnSameCommit, bool MarkedFlaky, DateTime LastSeen, TestStatus LastStatus, bool PassedOnRetry);

public sealed record FlakyTestList(IReadOnlyList<FlakyTestDto> Items);

public sealed record SlowTestDto(string TestId, string JobName, string Suite, string? ClassName, string Name, double MedianDurationMs,
    double MaxDurationMs, double LastDurationMs, int Results);

public sealed record SlowTestList(IReadOnlyList<SlowTestDto> Items);

public sealed record CoverageFileDto(string Path, double? LineRate, double? BranchRate, int LinesCovered, int LinesValid, int BranchesCovered, int BranchesValid);

public sealed record JobCoverageDto(Guid JobId, string JobName, int Attempt, double? LineRate, double? BranchRate, int LinesCovered, int LinesValid,
    int BranchesCovered, int BranchesValid, IReadOnlyList<CoverageFileDto> Files);

public sealed record RunCoverageDto(Guid RunId, double? LineRate, double? BranchRate, int LinesCovered, int LinesValid, int BranchesCovered,
    int BranchesValid, IReadOnlyList<JobCoverageDto> Jobs);

public sealed record CoveragePointDto(Guid RunId, long RunNumber, string? CommitSha, DateTime CreatedAt, double? LineRate, double? BranchRate);

public sealed record CoverageTrendDto(string Branch, IReadOnlyList<CoveragePointDto> Points);
