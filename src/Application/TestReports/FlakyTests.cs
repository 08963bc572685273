using Comet.Domain.Testing;

namespace Comet.Application.TestReports;

/// <summary>One result of one test, as the flaky and slowest analyses read it.</summary>
public sealed record TestObservation(string TestId, string JobName, string Suite, string? ClassName, string Name, TestStatus Status,
    bool MarkedFlaky, string? CommitSha, long RunNumber, int Attempt, DateTime At, double? DurationMs = null);

/// <summary>
/// Which tests are flaky. Within one run (<see cref="IsFlakyInRun"/>, the run's totals and cases): the test runner
/// marked it, or it passed on a later attempt of its job after failing on an earlier one. Across the project's recent
/// runs (<see cref="Analyze"/>, the flaky list): it was flaky in a run by that same rule, or it both passed and failed on the same
/// commit in different runs (the code did not change), or it flips between pass and fail at least
/// <see cref="MinFlips"/> times (pass, fail, pass: one flip alone is a break or a fix), or when the test runner itself
/// marked it (Surefire's flakyFailure / rerunFailure). Skipped results say nothing either way and are left out.
/// </summary>
public static class FlakyTests
{
    public const int MinFlips = 2;

    /// <summary>
    /// The one rule for a result within its run: marked by its runner (Surefire's flakyFailure / rerunFailure), or passed
    /// on an attempt after <paramref name="firstFailedAttempt"/>, the first attempt of the same job in the same run on which
    /// this test failed (null: it never failed there).
    /// </summary>
    public static bool IsFlakyInRun(TestStatus status, bool markedFlaky, int attempt, int? firstFailedAttempt) =>
        markedFlaky || PassedOnRetry(status, attempt, firstFailedAttempt);

    public static bool PassedOnRetry(TestStatus status, int attempt, int? firstFailedAttempt) =>
        status == TestStatus.Passed && firstFailedAttempt < attempt;

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
        var passedOnRetry = ordered.GroupBy(r => (r.RunNumber, r.JobName)).Any(inRun =>
        {
            var firstFailed = inRun.Where(r => r.Status.IsFailure()).Select(r => (int?)r.Attempt).Min();
            return inRun.Any(r => PassedOnRetry(r.Status, r.Attempt, firstFailed));
        });
        if (!mixed && !marked && !passedOnRetry && flips < MinFlips) return null;

        var last = ordered[^1];
        var flipRate = ordered.Count > 1 ? (double)flips / (ordered.Count - 1) : 0;
        return new FlakyTestDto(last.TestId, last.JobName, last.Suite, last.ClassName, last.Name, Math.Round(flipRate, 4), flips, ordered.Count,
            mixed, marked, last.At, last.Status, passedOnRetry);
    }
}
