using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Comet.Domain.Tests.Support;

namespace Comet.Domain.Tests;

/// <summary>Concurrency groups across attempts, a cancel that says why, and which branches auto-cancel.</summary>
public class QueueRulesTests
{
    private static readonly DateTime Now = Make.T0.AddMinutes(5);

    [Test]
    public void Every_attempt_of_a_job_stays_in_its_concurrency_group()
    {
        var run = Make.Run();
        var job = run.AddJob("deploy", [], allowFailure: false, maxAttempts: 2);
        job.JoinConcurrencyGroup(run.ProjectId, "deploy-prod", 1);
        Make.Drive(job, JobStatus.Failed, Now);

        var automatic = job.NextAttempt(Now);
        Make.Drive(automatic, JobStatus.Failed, Now);
        var manual = automatic.ManualRetry(Now);

        Assert.That(new[] { job, automatic, manual }.Select(j => (j.ConcurrencyGroup, j.ConcurrencyLimit)),
            Is.All.EqualTo(("deploy-prod", (int?)1)));
        Assert.That(job.ConcurrencyKey, Is.Not.EqualTo(ConcurrencyGroups.KeyOf(Guid.NewGuid(), "deploy-prod")), "groups are per project");
    }

    [Test]
    public void A_cancel_with_a_reason_keeps_it_on_the_run_and_in_each_job_note()
    {
        var run = Make.Run();
        var job = run.AddJob("build", [], allowFailure: false);
        job.MoveTo(JobStatus.Queued, Now);

        run.Cancel(Now, "superseded by run #7");

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo(RunStatus.Cancelled));
            Assert.That(run.CancelReason, Is.EqualTo("superseded by run #7"));
            Assert.That(job.Error, Is.EqualTo("cancelled: superseded by run #7"));
        });
    }

    [TestCase(AutoCancelBranches.NonDefault, "main", false)]
    [TestCase(AutoCancelBranches.NonDefault, "feature", true)]
    [TestCase(AutoCancelBranches.All, "main", true)]
    [TestCase(AutoCancelBranches.None, "feature", false)]
    public void Auto_cancel_covers_the_branches_its_setting_names(AutoCancelBranches setting, string branch, bool cancels)
    {
        var project = new Project("app", "app", "https://example.com/app.git", "main", Forge.Generic, ".comet.yml", "secret", Now);
        project.SetAutoCancel(setting, pullRequests: true, Now);

        Assert.That(project.AutoCancelsBranch(branch), Is.EqualTo(cancels));
    }
}
