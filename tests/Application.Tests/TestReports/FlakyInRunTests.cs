using Comet.Application.TestReports;
using Comet.Domain.Testing;

namespace Comet.Application.Tests.TestReports;

/// <summary>The one rule for a result within its run, which the run's totals, its cases and the project's list share.</summary>
public sealed class FlakyInRunTests
{
    [TestCase(TestStatus.Passed, false, 2, 1, true, TestName = "A pass after a failure on an earlier attempt is flaky")]
    [TestCase(TestStatus.Passed, false, 1, null, false, TestName = "A pass with no failure is not")]
    [TestCase(TestStatus.Passed, false, 1, 2, false, TestName = "A pass before the failure is not (that is a break)")]
    [TestCase(TestStatus.Failed, false, 2, 1, false, TestName = "A failure on the retry is not")]
    [TestCase(TestStatus.Skipped, false, 2, 1, false, TestName = "A skip on the retry is not")]
    [TestCase(TestStatus.Passed, true, 1, null, true, TestName = "A result its runner marked is flaky")]
    public void Rule(TestStatus status, bool marked, int attempt, int? firstFailedAttempt, bool flaky) =>
        Assert.That(FlakyTests.IsFlakyInRun(status, marked, attempt, firstFailedAttempt), Is.EqualTo(flaky));

    [Test]
    public void The_projects_list_names_a_test_that_passed_on_a_retry_in_one_run_even_without_a_commit()
    {
        var at = new DateTime(2026, 11, 22, 8, 0, 0, DateTimeKind.Utc);
        var flaky = FlakyTests.Analyze([
            new TestObservation("t", "unit", "suite", "C", "t", TestStatus.Failed, false, null, 7, 1, at),
            new TestObservation("t", "unit", "suite", "C", "t", TestStatus.Passed, false, null, 7, 2, at.AddMinutes(1)),
        ]).Single();

        Assert.That((flaky.PassedOnRetry, flaky.MixedOnSameCommit), Is.EqualTo((true, false)));
    }
}
