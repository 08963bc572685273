using Comet.Domain.Testing;

namespace Comet.Application.TestReports;

/// <summary>One result of one test, as the flaky and slowest analyses read it.</summary>
public sealed record TestObservation(string TestId, string JobName, string Suite, string? ClassName, string Name, TestStatus Status,
    bool MarkedFlaky, string? CommitSha, long RunNumber, int Attempt, DateTime At, double? DurationMs = null);

/// <summary>
/// Which tests are flaky, from their recent results. A test is flaky when it both passed and failed on the same
/// commit (a retry that passed counts: the code did not change), when it flips between pass and fail at least
/// <see cref="MinFlips"/> times (pass, fail, pass: one flip alone is a break or a fix), or when the test runner itself
/// marked it (Surefire's flakyFailure / rerunFailure). Skipped results say nothing either way and are left out.
/// </summary>
public static class FlakyTests
{
    public const int MinFlips = 2;

    public static IReadOnlyList<FlakyTestDto> Analyze(IEnumerable<TestObservation> observations) =>
        observations.GroupBy(o => o.TestId)
            .Select(Judge)
            .OfType<FlakyTestDto>()
            .OrderByDescending(t => t.FlipRate).ThenByDescending(t => t.LastSeen).ThenBy(t => t.TestId, StringComparer.Ordinal)
            .ToList();

    private static FlakyTestDto? Judge(IEnumerable<TestObservation> results)
    {
        var ordered = results.Where(r => r.Status != TestStatus.Skipped)
            .OrderBy(r => r.RunNumber).ThenBy(r => r.Attempt).ThenBy(r => r.At).ToList();
        if (ordered.Count == 0) return null;

        var flips = 0;
        for (var i = 1; i < ordered.Count; i++)
            if (ordered[i].Status.IsFailure() != ordered[i - 1].Status.IsFailure()) flips++;
        var mixed = ordered.Where(r => r.CommitSha is not null).GroupBy(r => r.CommitSha)
            .Any(sameCommit => sameCommit.Any(r => r.Status.IsFailure()) && sameCommit.Any(r => r.Status == TestStatus.Passed));
        var marked = ordered.Any(r => r.MarkedFlaky);
        if (!mixed && !marked && flips < MinFlips) return null;

        var last = ordered[^1];
        var flipRate = ordered.Count > 1 ? (double)flips / (ordered.Count - 1) : 0;
        return new FlakyTestDto(last.TestId, last.JobName, last.Suite, last.ClassName, last.Name, Math.Round(flipRate, 4), flips, ordered.Count,
            mixed, marked, last.At, last.Status);
    }
}
