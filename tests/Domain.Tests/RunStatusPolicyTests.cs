using Comet.Domain.Runs;
using Comet.Domain.Tests.Support;

namespace Comet.Domain.Tests;

public class RunStatusPolicyTests
{
    private static RunStatus Derive(params Job[] jobs) => RunStatusPolicy.Derive(jobs);

    private static Job J(JobStatus status, bool allowFailure = false) => Make.JobIn(status, allowFailure);

    [Test]
    public void A_run_without_jobs_succeeds()
    {
        Assert.That(Derive(), Is.EqualTo(RunStatus.Success));
    }

    [Test]
    public void Jobs_that_are_all_created_keep_the_run_pending()
    {
        Assert.That(Derive(J(JobStatus.Created), J(JobStatus.Created)), Is.EqualTo(RunStatus.Pending));
    }

    [Test]
    public void Jobs_that_are_only_queued_or_waiting_keep_the_run_pending()
    {
        Assert.That(Derive(J(JobStatus.Queued), J(JobStatus.Waiting), J(JobStatus.WaitingForApproval)),
            Is.EqualTo(RunStatus.Pending));
    }

    [Test]
    public void One_running_job_makes_the_run_running()
    {
        Assert.That(Derive(J(JobStatus.Created), J(JobStatus.Running), J(JobStatus.Waiting)),
            Is.EqualTo(RunStatus.Running));
    }

    [Test]
    public void A_finished_job_beside_unfinished_ones_makes_the_run_running()
    {
        Assert.That(Derive(J(JobStatus.Success), J(JobStatus.Waiting)), Is.EqualTo(RunStatus.Running));
    }

    [Test]
    public void A_failed_job_does_not_end_the_run_while_others_are_unfinished()
    {
        Assert.That(Derive(J(JobStatus.Failed), J(JobStatus.Queued)), Is.EqualTo(RunStatus.Running));
    }

    [Test]
    public void All_successful_jobs_make_the_run_succeed()
    {
        Assert.That(Derive(J(JobStatus.Success), J(JobStatus.Success)), Is.EqualTo(RunStatus.Success));
    }

    [Test]
    public void A_failed_job_fails_the_run()
    {
        Assert.That(Derive(J(JobStatus.Success), J(JobStatus.Failed)), Is.EqualTo(RunStatus.Failed));
    }

    [Test]
    public void Failed_allow_failure_job_does_not_fail_the_run()
    {
        Assert.That(Derive(J(JobStatus.Success), J(JobStatus.Failed, allowFailure: true)), Is.EqualTo(RunStatus.Success));
    }

    [Test]
    public void Failed_job_without_allow_failure_still_fails_the_run_beside_an_allowed_failure()
    {
        Assert.That(Derive(J(JobStatus.Failed, allowFailure: true), J(JobStatus.Failed)), Is.EqualTo(RunStatus.Failed));
    }

    [Test]
    public void A_cancelled_job_cancels_the_run()
    {
        Assert.That(Derive(J(JobStatus.Success), J(JobStatus.Cancelled)), Is.EqualTo(RunStatus.Cancelled));
    }

    [Test]
    public void A_failed_job_beats_a_cancelled_one()
    {
        Assert.That(Derive(J(JobStatus.Cancelled), J(JobStatus.Failed), J(JobStatus.Cancelled)), Is.EqualTo(RunStatus.Failed));
    }

    [Test]
    public void A_cancelled_job_beats_an_allowed_failure()
    {
        Assert.That(Derive(J(JobStatus.Failed, allowFailure: true), J(JobStatus.Cancelled)), Is.EqualTo(RunStatus.Cancelled));
    }

    [Test]
    public void Skipped_jobs_do_not_fail_the_run()
    {
        Assert.That(Derive(J(JobStatus.Success), J(JobStatus.Skipped)), Is.EqualTo(RunStatus.Success));
    }

    [Test]
    public void A_run_whose_jobs_were_all_skipped_succeeds()
    {
        Assert.That(Derive(J(JobStatus.Skipped), J(JobStatus.Skipped)), Is.EqualTo(RunStatus.Success));
    }

    [Test]
    public void Derive_reads_the_jobs_of_a_run()
    {
        var run = Make.Run();
        Make.AddJobs(run, JobStatus.Success, JobStatus.Failed);

        Assert.That(RunStatusPolicy.Derive(run.Jobs), Is.EqualTo(RunStatus.Failed));
    }
}
