using Comet.Domain.Common;
using Comet.Domain.Runs;
using Comet.Domain.Tests.Support;

namespace Comet.Domain.Tests;

/// <summary>Retries as new attempts, cancel, reopen and lost jobs: what pipelines add to the state machine.</summary>
public class JobAttemptTests
{
    private static readonly DateTime Now = Make.T0.AddMinutes(5);

    private static Job FailedJob(PipelineRun run, int maxAttempts)
    {
        var job = run.AddJob("test", [], allowFailure: false, spec: "{\"steps\":[]}", maxAttempts: maxAttempts);
        Make.Drive(job, JobStatus.Failed, Now);
        return job;
    }

    [Test]
    public void A_failed_job_with_attempts_left_gets_a_queued_next_attempt_with_the_same_spec()
    {
        var run = Make.Run();
        var first = FailedJob(run, maxAttempts: 3);

        var second = first.NextAttempt(Now);

        Assert.Multiple(() =>
        {
            Assert.That(second.Attempt, Is.EqualTo(2));
            Assert.That(second.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(second.Name, Is.EqualTo(first.Name));
            Assert.That(second.Spec, Is.EqualTo(first.Spec));
            Assert.That(second.Position, Is.EqualTo(first.Position));
            Assert.That(second.Id, Is.Not.EqualTo(first.Id));
            Assert.That(first.Status, Is.EqualTo(JobStatus.Failed), "the first attempt stays visible as it ended");
        });
    }

    [Test]
    public void An_approved_deploys_automatic_retry_keeps_its_gate_and_lock_and_a_persons_retry_goes_through_the_gate_again()
    {
        var run = Make.Run();
        var first = run.AddJob("deploy", [], allowFailure: false, spec: "{\"steps\":[]}", maxAttempts: 2);
        first.Gate("production", manual: false, approvalRequired: true);
        first.MoveTo(JobStatus.Waiting, Now);
        first.AwaitApproval(1, selfApprovalAllowed: false, byMaintainers: true, deadline: null, Now);
        first.Queue(Now, "lock-key");
        first.MoveTo(JobStatus.Running, Now);
        first.MoveTo(JobStatus.Failed, Now);

        var automatic = first.NextAttempt(Now);
        automatic.MoveTo(JobStatus.Running, Now);
        automatic.MoveTo(JobStatus.Failed, Now);
        var byPerson = automatic.ManualRetry(Now);

        Assert.Multiple(() =>
        {
            Assert.That((automatic.Status, automatic.DeployLockKey, automatic.EnvironmentName, automatic.IsGated),
                Is.EqualTo((JobStatus.Failed, "lock-key", "production", true)));
            Assert.That((byPerson.Status, byPerson.DeployLockKey, byPerson.EnvironmentName, byPerson.ApprovalRequired),
                Is.EqualTo((JobStatus.Created, (string?)null, "production", true)), "re-gated: the rules as they are when it is promoted");
            Assert.Throws<ArgumentOutOfRangeException>(() => Make.Job().AwaitApproval(0, true, false, null, Now));
        });
    }

    [Test]
    public void The_last_attempt_cannot_be_retried_automatically()
    {
        var run = Make.Run();
        var only = FailedJob(run, maxAttempts: 1);

        Assert.That(only.CanRetry, Is.False);
        Assert.Throws<DomainException>(() => only.NextAttempt(Now));
    }

    [Test]
    public void Run_status_follows_the_latest_attempt_of_each_job()
    {
        var run = Make.Run();
        var first = FailedJob(run, maxAttempts: 2);
        var second = first.NextAttempt(Now);
        run.AddAttempt(second);
        Make.Drive(second, JobStatus.Success, Now);

        run.UpdateFromJobs(Now);

        Assert.Multiple(() =>
        {
            Assert.That(run.CurrentJobs, Is.EqualTo(new[] { second }));
            Assert.That(run.Jobs, Has.Count.EqualTo(2));
            Assert.That(run.Status, Is.EqualTo(RunStatus.Success));
        });
    }

    [Test]
    public void A_job_name_is_unique_within_a_run()
    {
        var run = Make.Run();
        run.AddJob("build", [], allowFailure: false);

        Assert.Throws<DomainException>(() => run.AddJob("build", [], allowFailure: false));
    }

    [Test]
    public void Jobs_keep_their_order_in_the_file()
    {
        var run = Make.Run();
        var a = run.AddJob("zeta", [], false);
        var b = run.AddJob("alpha", [], false);

        Assert.That(new[] { a.Position, b.Position }, Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public void Cancel_ends_every_unfinished_job_and_the_run_but_keeps_finished_ones()
    {
        var run = Make.Run();
        var done = run.AddJob("build", [], false);
        Make.Drive(done, JobStatus.Success, Now);
        var running = run.AddJob("test", ["build"], false);
        Make.Drive(running, JobStatus.Running, Now);
        var waiting = run.AddJob("deploy", ["test"], false);
        Make.Drive(waiting, JobStatus.Waiting, Now);
        run.UpdateFromJobs(Now);

        run.Cancel(Now);

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(RunStatus.Cancelled));
            Assert.That(done.Status, Is.EqualTo(JobStatus.Success));
            Assert.That(running.Status, Is.EqualTo(JobStatus.Cancelled));
            Assert.That(waiting.Status, Is.EqualTo(JobStatus.Cancelled));
        });
    }

    [Test]
    public void A_lost_job_ends_the_run_in_error_with_the_reason()
    {
        var run = Make.Run();
        var job = run.AddJob("build", [], false);
        Make.Drive(job, JobStatus.Running, Now);
        job.MoveTo(JobStatus.Error, Now, "the orchestrator restarted while the job was running");

        run.UpdateFromJobs(Now);

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(RunStatus.Error));
            Assert.That(run.Error, Does.Contain("build").And.Contain("orchestrator restarted"));
        });
    }

    [TestCase(RunStatus.Failed)]
    [TestCase(RunStatus.Cancelled)]
    [TestCase(RunStatus.Error)]
    public void A_run_that_did_not_succeed_can_be_reopened_for_a_retry(RunStatus ended)
    {
        var run = Make.RunIn(ended);

        run.Reopen(Now);

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(RunStatus.Running));
            Assert.That(run.FinishedAt, Is.Null);
            Assert.That(run.Error, Is.Null);
        });
    }

    [TestCase(RunStatus.Success)]
    [TestCase(RunStatus.Pending)]
    [TestCase(RunStatus.Running)]
    public void Only_an_ended_unsuccessful_run_can_be_reopened(RunStatus status)
    {
        var run = Make.RunIn(status);

        Assert.Throws<InvalidTransitionException>(() => run.Reopen(Now));
    }

    [Test]
    public void A_manual_retry_of_a_job_that_used_all_its_attempts_allows_one_more()
    {
        var run = Make.Run();
        var failed = FailedJob(run, maxAttempts: 1);

        var retry = failed.ManualRetry(Now);

        Assert.Multiple(() =>
        {
            Assert.That(retry.Attempt, Is.EqualTo(2));
            Assert.That(retry.MaxAttempts, Is.EqualTo(2));
            Assert.That(retry.Status, Is.EqualTo(JobStatus.Created));
        });
    }

    [Test]
    public void A_successful_job_is_not_retried_by_hand()
    {
        var job = Make.JobIn(JobStatus.Success);

        Assert.Throws<DomainException>(() => job.ManualRetry(Now));
    }
}
