using Comet.Domain.Common;
using Comet.Domain.Runs;
using Comet.Domain.Tests.Support;

namespace Comet.Domain.Tests;

public class PipelineRunTests
{
    private static readonly DateTime Now = Make.T0.AddMinutes(10);

    [Test]
    public void A_new_run_keeps_what_it_was_created_with()
    {
        var projectId = Guid.NewGuid();
        var run = new PipelineRun(projectId, 7, "pull_request", "refs/pull/3/head", null, Make.T0);

        Assert.Multiple(() =>
        {
            Assert.That(run.Id, Is.Not.EqualTo(Guid.Empty));
            Assert.That(run.ProjectId, Is.EqualTo(projectId));
            Assert.That(run.Number, Is.EqualTo(7));
            Assert.That(run.Event, Is.EqualTo("pull_request"));
            Assert.That(run.Ref, Is.EqualTo("refs/pull/3/head"));
            Assert.That(run.Sha, Is.Null);
            Assert.That(run.Error, Is.Null);
            Assert.That(run.Jobs, Is.Empty);
        });
    }

    [Test]
    public void Added_jobs_belong_to_the_run_and_start_created()
    {
        var run = Make.Run();

        var job = run.AddJob("deploy", ["build", "test"], allowFailure: true);

        Assert.Multiple(() =>
        {
            Assert.That(run.Jobs, Is.EqualTo(new[] { job }));
            Assert.That(job.RunId, Is.EqualTo(run.Id));
            Assert.That(job.Name, Is.EqualTo("deploy"));
            Assert.That(job.Needs, Is.EqualTo(new[] { "build", "test" }));
            Assert.That(job.AllowFailure, Is.True);
            Assert.That(job.Status, Is.EqualTo(JobStatus.Created));
        });
    }

    [Test]
    public void A_pending_run_without_jobs_succeeds_on_update()
    {
        var run = Make.Run();

        var changed = run.UpdateFromJobs(Now);

        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.True);
            Assert.That(run.Status, Is.EqualTo(RunStatus.Success));
        });
    }

    [Test]
    public void A_pending_run_with_only_created_jobs_stays_pending()
    {
        var run = Make.Run();
        Make.AddJobs(run, JobStatus.Created, JobStatus.Created);

        var changed = run.UpdateFromJobs(Now);

        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.False);
            Assert.That(run.Status, Is.EqualTo(RunStatus.Pending));
            Assert.That(run.StartedAt, Is.Null);
        });
    }

    [Test]
    public void A_pending_run_whose_jobs_were_all_cancelled_is_cancelled_without_having_started()
    {
        var run = Make.Run();
        run.AddJob("build", [], allowFailure: false).MoveTo(JobStatus.Cancelled, Now);
        run.AddJob("test", ["build"], allowFailure: false).MoveTo(JobStatus.Cancelled, Now);

        Assert.That(run.UpdateFromJobs(Now), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(RunStatus.Cancelled));
            Assert.That(run.StartedAt, Is.Null, "nothing ran, so the run never started");
            Assert.That(run.FinishedAt, Is.EqualTo(Now));
        });
    }

    [Test]
    public void A_skipped_job_beside_created_jobs_leaves_the_run_pending()
    {
        var run = Make.Run();
        run.AddJob("docs", [], allowFailure: false).MoveTo(JobStatus.Skipped, Now);
        run.AddJob("build", [], allowFailure: false);

        Assert.That(run.UpdateFromJobs(Now), Is.False);
        Assert.That(run.Status, Is.EqualTo(RunStatus.Pending));
    }

    [Test]
    public void A_pending_run_starts_when_one_job_runs()
    {
        var run = Make.Run();
        Make.AddJobs(run, JobStatus.Running, JobStatus.Waiting);

        var changed = run.UpdateFromJobs(Now);

        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.True);
            Assert.That(run.Status, Is.EqualTo(RunStatus.Running));
            Assert.That(run.StartedAt, Is.EqualTo(Now));
            Assert.That(run.FinishedAt, Is.Null);
        });
    }

    [Test]
    public void A_pending_run_whose_jobs_all_finished_moves_to_success_via_running()
    {
        var run = Make.Run();
        Make.AddJobs(run, JobStatus.Success, JobStatus.Skipped);

        var changed = run.UpdateFromJobs(Now);

        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.True);
            Assert.That(run.Status, Is.EqualTo(RunStatus.Success));
            Assert.That(run.StartedAt, Is.EqualTo(Now), "the run passed through running");
            Assert.That(run.FinishedAt, Is.EqualTo(Now));
        });
    }

    [Test]
    public void A_pending_run_whose_job_failed_moves_to_failed_via_running()
    {
        var run = Make.Run();
        Make.AddJobs(run, JobStatus.Failed);

        var changed = run.UpdateFromJobs(Now);

        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.True);
            Assert.That(run.Status, Is.EqualTo(RunStatus.Failed));
            Assert.That(run.StartedAt, Is.EqualTo(Now));
            Assert.That(run.FinishedAt, Is.EqualTo(Now));
        });
    }

    [Test]
    public void A_running_run_fails_when_a_job_fails()
    {
        var run = Make.RunIn(RunStatus.Running);
        var build = run.AddJob("build", [], allowFailure: false);
        var lint = run.AddJob("lint", [], allowFailure: false);
        Make.Drive(build, JobStatus.Success, Make.T0);
        Make.Drive(lint, JobStatus.Running, Make.T0);
        Assert.That(run.UpdateFromJobs(Now), Is.False, "still running");

        lint.MoveTo(JobStatus.Failed, Now);
        var changed = run.UpdateFromJobs(Now);

        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.True);
            Assert.That(run.Status, Is.EqualTo(RunStatus.Failed));
            Assert.That(run.StartedAt, Is.EqualTo(Make.T0), "start time is kept");
            Assert.That(run.FinishedAt, Is.EqualTo(Now));
        });
    }

    [Test]
    public void Failed_allow_failure_job_does_not_fail_the_run()
    {
        var run = Make.RunIn(RunStatus.Running);
        var flaky = run.AddJob("flaky", [], allowFailure: true);
        Make.Drive(flaky, JobStatus.Failed, Make.T0);
        Make.AddJobs(run, JobStatus.Success);

        var changed = run.UpdateFromJobs(Now);

        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.True);
            Assert.That(run.Status, Is.EqualTo(RunStatus.Success));
        });
    }

    [Test]
    public void A_running_run_is_cancelled_when_its_jobs_were_cancelled()
    {
        var run = Make.RunIn(RunStatus.Running);
        Make.AddJobs(run, JobStatus.Success, JobStatus.Cancelled);

        Assert.Multiple(() =>
        {
            Assert.That(run.UpdateFromJobs(Now), Is.True);
            Assert.That(run.Status, Is.EqualTo(RunStatus.Cancelled));
        });
    }

    [Test]
    public void A_running_run_whose_jobs_are_requeued_stays_running()
    {
        var run = Make.RunIn(RunStatus.Running);
        Make.AddJobs(run, JobStatus.Running, JobStatus.Queued);
        var job = run.Jobs[0];

        job.MoveTo(JobStatus.Queued, Now); // the worker lost its lease
        var changed = run.UpdateFromJobs(Now);

        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.False);
            Assert.That(run.Status, Is.EqualTo(RunStatus.Running));
            Assert.That(run.StartedAt, Is.EqualTo(Make.T0));
        });
    }

    [Test]
    public void Updating_twice_with_unchanged_jobs_reports_no_change_the_second_time()
    {
        var run = Make.Run();
        Make.AddJobs(run, JobStatus.Running);

        var first = run.UpdateFromJobs(Now);
        var second = run.UpdateFromJobs(Now.AddMinutes(1));

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.True);
            Assert.That(second, Is.False);
            Assert.That(run.StartedAt, Is.EqualTo(Now), "the second update did not restart the run");
        });
    }

    [Test]
    public void A_cancelled_run_is_not_reopened_by_late_job_updates()
    {
        var run = Make.Run();
        Make.AddJobs(run, JobStatus.Running);
        run.MoveTo(RunStatus.Cancelled, Make.T0);
        run.Jobs[0].MoveTo(JobStatus.Success, Now);

        var changed = run.UpdateFromJobs(Now);

        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.False);
            Assert.That(run.Status, Is.EqualTo(RunStatus.Cancelled));
            Assert.That(run.FinishedAt, Is.EqualTo(Make.T0));
        });
    }

    [Test]
    public void An_errored_run_is_not_changed_by_its_jobs()
    {
        var run = Make.RunIn(RunStatus.Running);
        Make.AddJobs(run, JobStatus.Failed);
        run.MarkError("worker lost", Make.T0);

        var changed = run.UpdateFromJobs(Now);

        Assert.Multiple(() =>
        {
            Assert.That(changed, Is.False);
            Assert.That(run.Status, Is.EqualTo(RunStatus.Error));
            Assert.That(run.Error, Is.EqualTo("worker lost"));
        });
    }

    [Test]
    public void A_finished_run_is_not_changed_by_its_jobs()
    {
        var run = Make.RunIn(RunStatus.Success);
        Make.AddJobs(run, JobStatus.Failed);

        Assert.Multiple(() =>
        {
            Assert.That(run.UpdateFromJobs(Now), Is.False);
            Assert.That(run.Status, Is.EqualTo(RunStatus.Success));
        });
    }

    [Test]
    public void MarkError_records_the_reason_and_ends_the_run_in_error()
    {
        var run = Make.Run();

        run.MarkError("bad .comet.yml: line 3", Now);

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(RunStatus.Error));
            Assert.That(run.Error, Is.EqualTo("bad .comet.yml: line 3"));
            Assert.That(run.FinishedAt, Is.EqualTo(Now));
        });
    }

    [Test]
    public void MarkError_works_on_a_running_run()
    {
        var run = Make.RunIn(RunStatus.Running);

        run.MarkError("clone failed", Now);

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(RunStatus.Error));
            Assert.That(run.Error, Is.EqualTo("clone failed"));
        });
    }

    [Test]
    public void MarkError_on_a_finished_run_throws_and_records_no_reason()
    {
        var run = Make.RunIn(RunStatus.Success);

        Assert.Throws<InvalidTransitionException>(() => run.MarkError("too late", Now));

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(RunStatus.Success));
            Assert.That(run.Error, Is.Null);
        });
    }
}
