using Comet.Application.Environments;
using Comet.Domain.Environments;
using Comet.Domain.Runs;

namespace Comet.Application.Tests.Environments;

/// <summary>What a gated job does once its needs pass: fail on a ref the rules refuse, wait for approvals, or queue.</summary>
public sealed class DeployGateTests
{
    private static readonly DateTime Now = new(2026, 12, 7, 10, 0, 0, DateTimeKind.Utc);
    private static readonly Guid ProjectId = Guid.NewGuid();

    private static PipelineRun Run(string gitRef)
    {
        var run = new PipelineRun(ProjectId, 7, "push", gitRef, "abc123", Now);
        run.Describe(gitRef.StartsWith("refs/heads/") ? gitRef["refs/heads/".Length..] : null,
            gitRef.StartsWith("refs/tags/") ? gitRef["refs/tags/".Length..] : null, "a commit", null);
        return run;
    }

    private static Job GatedJob(string? environment, bool manual = false, bool approval = false)
    {
        var job = new Job(Guid.NewGuid(), "deploy", [], allowFailure: false);
        job.Gate(environment, manual, approval);
        job.MoveTo(JobStatus.Waiting, Now);
        return job;
    }

    private static DeploymentEnvironment Production(int approvals = 0, string[]? branches = null, string[]? tags = null,
        bool self = false, TimeSpan? timeout = null, bool deployLock = false)
    {
        var environment = new DeploymentEnvironment(ProjectId, "production", null, Now);
        environment.Protect(new EnvironmentRules(approvals, branches ?? [], tags ?? [], self, timeout, deployLock), Now);
        return environment;
    }

    [Test]
    public void An_unprotected_environment_queues_the_job_at_once_without_a_lock()
    {
        var job = GatedJob("production");

        var queued = DeployGate.Open(job, Run("refs/heads/main"), Production(), Now);

        Assert.Multiple(() =>
        {
            Assert.That(queued, Is.True);
            Assert.That(job.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(job.DeployLockKey, Is.Null);
        });
    }

    [Test]
    public void A_deploy_lock_queues_the_job_under_the_projects_environment_key()
    {
        var job = GatedJob("production");

        DeployGate.Open(job, Run("refs/heads/main"), Production(deployLock: true), Now);

        Assert.That(job.DeployLockKey, Is.EqualTo(ConcurrencyGroups.KeyOf(ProjectId, "production")));
    }

    [TestCase("refs/heads/main", null)]
    [TestCase("refs/heads/release/2.0", null)]
    [TestCase("refs/tags/v1.4.0", null)]
    [TestCase("refs/heads/feature/x", "branch 'feature/x' may not deploy to 'production': its rules allow only branches main, release/* and tags v*")]
    [TestCase("refs/tags/nightly", "tag 'nightly' may not deploy to 'production': its rules allow only branches main, release/* and tags v*")]
    public void Ref_rules_match_branches_and_tags_by_glob_and_name_what_is_allowed(string gitRef, string? refusal)
    {
        var environment = Production(branches: ["main", "release/*"], tags: ["v*"]);
        var job = GatedJob("production");

        DeployGate.Open(job, Run(gitRef), environment, Now);

        Assert.Multiple(() =>
        {
            Assert.That(DeployGate.RefRefusal(environment, Run(gitRef)), Is.EqualTo(refusal));
            Assert.That(job.Status, Is.EqualTo(refusal is null ? JobStatus.Queued : JobStatus.Failed));
            Assert.That(job.Error, Is.EqualTo(refusal));
        });
    }

    [Test]
    public void Required_approvals_make_the_job_wait_for_maintainers_other_than_the_author_until_the_timeout()
    {
        var job = GatedJob("production");

        var queued = DeployGate.Open(job, Run("refs/heads/main"), Production(approvals: 2, timeout: TimeSpan.FromHours(2)), Now);

        Assert.Multiple(() =>
        {
            Assert.That(queued, Is.False);
            Assert.That(job.Status, Is.EqualTo(JobStatus.WaitingForApproval));
            Assert.That(job.ApprovalsRequired, Is.EqualTo(2));
            Assert.That(job.SelfApprovalAllowed, Is.False);
            Assert.That(job.ApprovalByMaintainers, Is.True);
            Assert.That(job.ApprovalDeadline, Is.EqualTo(Now.AddHours(2)));
        });
    }

    [Test]
    public void A_manual_job_waits_for_one_click_from_anyone_who_may_run_it()
    {
        var job = GatedJob(null, manual: true);

        DeployGate.Open(job, Run("refs/heads/main"), null, Now);

        Assert.Multiple(() =>
        {
            Assert.That(job.Status, Is.EqualTo(JobStatus.WaitingForApproval));
            Assert.That(job.ApprovalsRequired, Is.EqualTo(1));
            Assert.That(job.SelfApprovalAllowed, Is.True);
            Assert.That(job.ApprovalByMaintainers, Is.False);
            Assert.That(job.ApprovalDeadline, Is.Null);
        });
    }

    [Test]
    public void Approval_required_in_the_file_asks_a_maintainer_and_the_environment_can_ask_for_more()
    {
        var plain = GatedJob(null, approval: true);
        var stricter = GatedJob("production", approval: true);

        DeployGate.Open(plain, Run("refs/heads/main"), null, Now);
        DeployGate.Open(stricter, Run("refs/heads/main"), Production(approvals: 3, self: true), Now);

        Assert.Multiple(() =>
        {
            Assert.That((plain.ApprovalsRequired, plain.ApprovalByMaintainers, plain.SelfApprovalAllowed), Is.EqualTo((1, true, true)));
            Assert.That((stricter.ApprovalsRequired, stricter.ApprovalByMaintainers, stricter.SelfApprovalAllowed), Is.EqualTo((3, true, true)));
        });
    }

    [Test]
    public void A_refused_ref_fails_before_any_approval_is_asked()
    {
        var job = GatedJob("production", manual: true);

        DeployGate.Open(job, Run("refs/heads/dev"), Production(approvals: 1, branches: ["main"]), Now);

        Assert.That(job.Status, Is.EqualTo(JobStatus.Failed));
    }
}
