using Comet.Domain.Common;
using Comet.Domain.Runs;
using Comet.Domain.Tests.Support;

namespace Comet.Domain.Tests;

public class JobTransitionTests
{
    /// <summary>The job state machine as the design describes it. Anything not listed is forbidden.</summary>
    internal static readonly IReadOnlyDictionary<JobStatus, JobStatus[]> Expected = new Dictionary<JobStatus, JobStatus[]>
    {
        // Failed before running: a ref the environment refuses, a rejected or timed-out approval.
        [JobStatus.Created] = [JobStatus.Waiting, JobStatus.Queued, JobStatus.WaitingForApproval, JobStatus.Skipped, JobStatus.Cancelled, JobStatus.Failed],
        [JobStatus.Waiting] = [JobStatus.Queued, JobStatus.WaitingForApproval, JobStatus.Skipped, JobStatus.Cancelled, JobStatus.Failed],
        [JobStatus.WaitingForApproval] = [JobStatus.Queued, JobStatus.Skipped, JobStatus.Cancelled, JobStatus.Failed],
        // Skipped while queued: a newer run's deploy to a locked environment makes it outdated.
        [JobStatus.Queued] = [JobStatus.Running, JobStatus.Cancelled, JobStatus.Skipped],
        [JobStatus.Running] = [JobStatus.Success, JobStatus.Failed, JobStatus.Cancelled, JobStatus.Queued, JobStatus.Error],
    };

    internal static readonly JobStatus[] Terminal = [JobStatus.Success, JobStatus.Failed, JobStatus.Cancelled, JobStatus.Skipped, JobStatus.Error];

    private static readonly DateTime T1 = Make.T0.AddMinutes(1);
    private static readonly DateTime T2 = Make.T0.AddMinutes(2);
    private static readonly DateTime T3 = Make.T0.AddMinutes(3);

    private static IEnumerable<TestCaseData> AllowedPairs() =>
        StatusPath.AllPairs(Expected).Where(p => p.Allowed)
            .Select(p => new TestCaseData(p.From, p.To).SetName($"Job_{p.From}_to_{p.To}_is_allowed"));

    private static IEnumerable<TestCaseData> ForbiddenPairs() =>
        StatusPath.AllPairs(Expected).Where(p => !p.Allowed)
            .Select(p => new TestCaseData(p.From, p.To).SetName($"Job_{p.From}_to_{p.To}_is_rejected"));

    private static IEnumerable<TestCaseData> TerminalStatuses() =>
        Terminal.Select(s => new TestCaseData(s).SetName($"Job_{s}_is_terminal_with_no_way_out"));

    [TestCaseSource(nameof(AllowedPairs))]
    public void Allowed_transition_moves_the_job(JobStatus from, JobStatus to)
    {
        var job = Make.JobIn(from);
        Assert.That(job.Status, Is.EqualTo(from));

        job.MoveTo(to, T1);

        Assert.That(job.Status, Is.EqualTo(to));
    }

    [TestCaseSource(nameof(ForbiddenPairs))]
    public void Forbidden_transition_throws_and_keeps_the_status(JobStatus from, JobStatus to)
    {
        var job = Make.JobIn(from);
        Assert.That(job.Status, Is.EqualTo(from));

        var ex = Assert.Throws<InvalidTransitionException>(() => job.MoveTo(to, T1));

        Assert.Multiple(() =>
        {
            Assert.That(job.Status, Is.EqualTo(from));
            Assert.That(ex!.Entity, Is.EqualTo("job"));
            Assert.That(ex.From, Is.EqualTo(StatusName.Of(from)));
            Assert.That(ex.To, Is.EqualTo(StatusName.Of(to)));
        });
    }

    [TestCaseSource(nameof(TerminalStatuses))]
    public void Terminal_status_has_no_way_out(JobStatus terminal)
    {
        var job = Make.JobIn(terminal);

        Assert.Multiple(() =>
        {
            Assert.That(JobTransitions.Table.IsTerminal(terminal), Is.True);
            foreach (var to in Enum.GetValues<JobStatus>())
                Assert.Throws<InvalidTransitionException>(() => job.MoveTo(to, T1), $"{terminal} -> {to}");
            Assert.That(job.Status, Is.EqualTo(terminal));
        });
    }

    [Test]
    public void Only_the_terminal_statuses_are_terminal()
    {
        var terminal = Enum.GetValues<JobStatus>().Where(JobTransitions.Table.IsTerminal);
        Assert.That(terminal, Is.EquivalentTo(Terminal));
    }

    [Test]
    public void A_new_job_is_created_on_its_first_attempt_with_no_timestamps()
    {
        var job = Make.Job();
        Assert.Multiple(() =>
        {
            Assert.That(job.Status, Is.EqualTo(JobStatus.Created));
            Assert.That(job.Attempt, Is.EqualTo(1));
            Assert.That(job.QueuedAt, Is.Null);
            Assert.That(job.StartedAt, Is.Null);
            Assert.That(job.FinishedAt, Is.Null);
        });
    }

    [Test]
    public void Queue_run_finish_sets_QueuedAt_StartedAt_and_FinishedAt_in_turn()
    {
        var job = Make.Job();

        job.MoveTo(JobStatus.Queued, T1);
        Assert.Multiple(() =>
        {
            Assert.That(job.QueuedAt, Is.EqualTo(T1));
            Assert.That(job.StartedAt, Is.Null);
            Assert.That(job.FinishedAt, Is.Null);
        });

        job.MoveTo(JobStatus.Running, T2);
        Assert.Multiple(() =>
        {
            Assert.That(job.QueuedAt, Is.EqualTo(T1));
            Assert.That(job.StartedAt, Is.EqualTo(T2));
            Assert.That(job.FinishedAt, Is.Null);
        });

        job.MoveTo(JobStatus.Success, T3);
        Assert.Multiple(() =>
        {
            Assert.That(job.QueuedAt, Is.EqualTo(T1));
            Assert.That(job.StartedAt, Is.EqualTo(T2));
            Assert.That(job.FinishedAt, Is.EqualTo(T3));
        });
    }

    [TestCase(JobStatus.Success)]
    [TestCase(JobStatus.Failed)]
    [TestCase(JobStatus.Cancelled)]
    public void Finishing_a_running_job_sets_FinishedAt(JobStatus terminal)
    {
        var job = Make.JobIn(JobStatus.Running);

        job.MoveTo(terminal, T3);

        Assert.That(job.FinishedAt, Is.EqualTo(T3));
    }

    [TestCase(JobStatus.Created, JobStatus.Skipped)]
    [TestCase(JobStatus.Waiting, JobStatus.Cancelled)]
    [TestCase(JobStatus.WaitingForApproval, JobStatus.Skipped)]
    [TestCase(JobStatus.Queued, JobStatus.Cancelled)]
    public void A_job_that_ends_without_running_is_finished_but_never_started(JobStatus from, JobStatus terminal)
    {
        var job = Make.JobIn(from);

        job.MoveTo(terminal, T3);

        Assert.Multiple(() =>
        {
            Assert.That(job.StartedAt, Is.Null);
            Assert.That(job.FinishedAt, Is.EqualTo(T3));
        });
    }

    [TestCase(JobStatus.Failed, StepStatus.Skipped)]
    [TestCase(JobStatus.Skipped, StepStatus.Skipped)]
    [TestCase(JobStatus.Cancelled, StepStatus.Cancelled)]
    public void A_job_that_ends_before_running_closes_its_steps_instead_of_leaving_them_pending(JobStatus terminal, StepStatus steps)
    {
        var job = Make.JobIn(JobStatus.WaitingForApproval);
        job.AddStep("first");
        job.AddStep("second");

        job.MoveTo(terminal, T3);

        Assert.That(job.Steps.Select(s => (s.Status, s.FinishedAt)), Is.EqualTo(new[] { (steps, (DateTime?)T3), (steps, (DateTime?)T3) }));
    }

    [Test]
    public void Requeueing_a_running_job_increments_the_attempt_and_requeues_it()
    {
        var job = Make.JobIn(JobStatus.Running);
        Assert.That(job.Attempt, Is.EqualTo(1));

        job.MoveTo(JobStatus.Queued, T2);

        Assert.Multiple(() =>
        {
            Assert.That(job.Attempt, Is.EqualTo(2));
            Assert.That(job.QueuedAt, Is.EqualTo(T2));
            Assert.That(job.FinishedAt, Is.Null, "a requeued job has not finished");
        });
    }

    [Test]
    public void Each_lost_lease_counts_as_another_attempt()
    {
        var job = Make.JobIn(JobStatus.Queued);

        for (var i = 0; i < 3; i++)
        {
            job.MoveTo(JobStatus.Running, T1);
            job.MoveTo(JobStatus.Queued, T2);
        }
        job.MoveTo(JobStatus.Running, T3);

        Assert.Multiple(() =>
        {
            Assert.That(job.Attempt, Is.EqualTo(4));
            Assert.That(job.StartedAt, Is.EqualTo(T3));
        });
    }

    [Test]
    public void Queueing_a_job_for_the_first_time_is_not_a_new_attempt()
    {
        var job = Make.Job();

        job.MoveTo(JobStatus.Waiting, T1);
        job.MoveTo(JobStatus.WaitingForApproval, T1);
        job.MoveTo(JobStatus.Queued, T1);
        job.MoveTo(JobStatus.Running, T2);
        job.MoveTo(JobStatus.Failed, T3);

        Assert.That(job.Attempt, Is.EqualTo(1));
    }

    [Test]
    public void Rejected_requeue_does_not_count_an_attempt()
    {
        var job = Make.JobIn(JobStatus.Success);

        Assert.Throws<InvalidTransitionException>(() => job.MoveTo(JobStatus.Queued, T3));

        Assert.That(job.Attempt, Is.EqualTo(1));
    }
}
