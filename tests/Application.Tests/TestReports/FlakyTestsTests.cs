using Comet.Application.TestReports;
using Comet.Domain.Testing;

namespace Comet.Application.Tests.TestReports;

public sealed class FlakyTestsTests
{
    private static readonly DateTime Start = new(2026, 11, 22, 8, 0, 0, DateTimeKind.Utc);

    /// <summary>One result of test <paramref name="id"/> in run <paramref name="run"/> (one commit per run unless given).</summary>
    private static TestObservation Result(string id, long run, TestStatus status, string? commit = null, int attempt = 1, bool marked = false) =>
        new(id, "test", "suite", "Class", id, status, marked, commit ?? $"sha{run}", run, attempt, Start.AddMinutes(run * 10 + attempt));

    [Test]
    public void A_test_that_passed_and_failed_on_the_same_commit_is_flaky_even_with_a_single_flip()
    {
        var flaky = FlakyTests.Analyze([
            Result("t", 1, TestStatus.Passed, commit: "abc"),
            Result("t", 2, TestStatus.Failed, commit: "abc"),
        ]).Single();

        Assert.That((flaky.MixedOnSameCommit, flaky.Flips, flaky.Results, flaky.FlipRate, flaky.LastStatus),
            Is.EqualTo((true, 1, 2, 1.0, TestStatus.Failed)));
    }

    [Test]
    public void A_failed_attempt_and_a_passing_retry_in_one_run_count_as_the_same_commit()
    {
        var flaky = FlakyTests.Analyze([
            Result("t", 1, TestStatus.Error, attempt: 1),
            Result("t", 1, TestStatus.Passed, attempt: 2),
        ]).Single();

        Assert.That(flaky.MixedOnSameCommit, Is.True);
    }

    [Test]
    public void A_test_that_broke_once_and_stayed_broken_is_not_flaky()
    {
        Assert.That(FlakyTests.Analyze([
            Result("t", 1, TestStatus.Passed), Result("t", 2, TestStatus.Passed),
            Result("t", 3, TestStatus.Failed), Result("t", 4, TestStatus.Failed),
        ]), Is.Empty);
    }

    [Test]
    public void Flipping_pass_fail_pass_across_commits_is_flaky_with_flips_over_results_minus_one()
    {
        var flaky = FlakyTests.Analyze([
            Result("t", 1, TestStatus.Passed), Result("t", 2, TestStatus.Failed), Result("t", 3, TestStatus.Passed),
            Result("t", 4, TestStatus.Passed), Result("t", 5, TestStatus.Passed),
        ]).Single();

        Assert.That((flaky.MixedOnSameCommit, flaky.Flips, flaky.FlipRate), Is.EqualTo((false, 2, 0.5)));
    }

    [Test]
    public void Skipped_results_are_left_out_of_flips_and_counts()
    {
        var flaky = FlakyTests.Analyze([
            Result("t", 1, TestStatus.Passed), Result("t", 2, TestStatus.Skipped), Result("t", 3, TestStatus.Failed),
            Result("t", 4, TestStatus.Skipped), Result("t", 5, TestStatus.Passed),
        ]).Single();

        Assert.That((flaky.Flips, flaky.Results), Is.EqualTo((2, 3)));
    }

    [Test]
    public void A_test_the_runner_marked_flaky_is_listed_even_when_it_always_passed()
    {
        var flaky = FlakyTests.Analyze([Result("t", 1, TestStatus.Passed, marked: true)]).Single();

        Assert.That((flaky.MarkedFlaky, flaky.Flips), Is.EqualTo((true, 0)));
    }

    [Test]
    public void Results_are_ordered_by_run_then_attempt_whatever_order_they_come_in_and_the_list_by_flip_rate()
    {
        var list = FlakyTests.Analyze([
            Result("steady", 3, TestStatus.Passed), Result("often", 4, TestStatus.Failed), Result("steady", 1, TestStatus.Failed),
            Result("often", 2, TestStatus.Failed), Result("steady", 2, TestStatus.Passed), Result("often", 1, TestStatus.Passed),
            Result("often", 3, TestStatus.Passed), Result("steady", 4, TestStatus.Failed), Result("steady", 5, TestStatus.Failed),
        ]);

        Assert.That(list.Select(t => (t.TestId, t.Flips)), Is.EqualTo(new[] { ("often", 3), ("steady", 2) }));
        Assert.That(list[0].LastSeen, Is.EqualTo(Start.AddMinutes(41)));
    }

    [Test]
    public void A_test_id_names_job_suite_class_and_name_so_matrix_legs_are_different_tests()
    {
        var unit = TestIdentity.Of("test [SUITE=unit]", "s", "C", "n");

        Assert.Multiple(() =>
        {
            Assert.That(unit, Does.Match("^[0-9a-f]{16}$"));
            Assert.That(TestIdentity.Of("test [SUITE=unit]", "s", "C", "n"), Is.EqualTo(unit));
            Assert.That(TestIdentity.Of("test [SUITE=integration]", "s", "C", "n"), Is.Not.EqualTo(unit));
            Assert.That(TestIdentity.Of("test [SUITE=unit]", "s", null, "n"), Is.Not.EqualTo(unit));
            // The separator keeps "ab"+"c" apart from "a"+"bc".
            Assert.That(TestIdentity.Of("j", "ab", "c", "n"), Is.Not.EqualTo(TestIdentity.Of("j", "a", "bc", "n")));
        });
    }
}
