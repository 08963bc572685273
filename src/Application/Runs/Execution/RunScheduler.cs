using Comet.Application.Common.Interfaces;
using Comet.Application.Environments;
using Comet.Application.Runs.Changes;
using Comet.Domain.Common;
using Comet.Domain.Environments;
using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comet.Application.Runs.Execution;

/// <summary>
/// The dispatcher's decisions, kept out of the host: which waiting jobs may start, which must be
/// skipped, what each run's status is, which queued job this node takes next, and what a restart
/// found abandoned.
/// </summary>
public sealed class RunScheduler(ICometDbContext db, INodeIdentity node, IConcurrencyGroupLock groupLock, IBulkRunChanges bulkChanges,
    RunMetrics metrics, IOptions<RunnerOptions> options, TimeProvider clock)
{
    /// <summary>
    /// Moves waiting jobs on (queued, skipped, or through their gates), fails approvals that timed out, skips deploys a
    /// newer run made outdated, and brings run statuses up to date.
    /// </summary>
    /// <returns>How many jobs were queued.</returns>
    public async Task<int> PromoteAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var runs = await db.Runs
            .Where(r => r.Status == RunStatus.Pending || r.Status == RunStatus.Running)
            .Include(r => r.Jobs)
            .ToListAsync(cancellationToken);
        var statusBefore = runs.SelectMany(r => r.Jobs).ToDictionary(j => j.Id, j => j.Status);
        var environments = await EnvironmentsOfAsync(runs, cancellationToken);
        var approvals = await ApprovalsOfWaitingAsync(runs, cancellationToken);

        var queued = 0;
        foreach (var run in runs)
        {
            DeploymentEnvironment? EnvironmentOf(Job job) =>
                job.EnvironmentName is { } name ? environments.GetValueOrDefault((run.ProjectId, name)) : null;
            queued += QueueApproved(run, approvals, EnvironmentOf, now);
            TimeOutApprovals(run, now);
            queued += PromoteJobs(run, EnvironmentOf, now);
        }
        SkipOutdatedDeploys(runs, environments, now);
        await CloseStepsOfEndedJobsAsync(runs.SelectMany(r => r.Jobs)
            .Where(j => j.Status != statusBefore.GetValueOrDefault(j.Id) && JobTransitions.Table.IsTerminal(j.Status)).ToList(), now, cancellationToken);
        foreach (var run in runs) run.UpdateFromJobs(now);
        await db.SaveChangesAsync(cancellationToken);
        // Every queued job belongs to a pending or running run, all loaded here: the whole queue, counted for free.
        metrics.QueueDepthIs(runs.SelectMany(r => r.Jobs).LongCount(j => j.Status == JobStatus.Queued));
        return queued;
    }

    /// <summary>
    /// Jobs this pass ended before they ran (skipped, refused, rejected, timed out): their pending steps are loaded and
    /// closed. Only theirs: the pass runs on every dispatcher poll and never loads the steps of the jobs it leaves alone.
    /// </summary>
    private async Task CloseStepsOfEndedJobsAsync(List<Job> ended, DateTime now, CancellationToken cancellationToken)
    {
        if (ended.Count == 0) return;
        var ids = ended.Select(j => j.Id).ToList();
        // Tracked, so EF puts them in their jobs' step lists.
        await db.Steps.Where(s => ids.Contains(s.JobId) && s.Status == StepStatus.Pending).LoadAsync(cancellationToken);
        foreach (var job in ended) job.CloseUnstartedSteps(now);
    }

    /// <summary>The environments the gated jobs of these runs deploy to, by project and name (absent: never configured or used).</summary>
    private async Task<Dictionary<(Guid, string), DeploymentEnvironment>> EnvironmentsOfAsync(List<PipelineRun> runs, CancellationToken cancellationToken)
    {
        var projectIds = runs.Where(r => r.Jobs.Any(j => j.EnvironmentName is not null)).Select(r => r.ProjectId).Distinct().ToList();
        if (projectIds.Count == 0) return [];
        var rows = await db.Environments.AsNoTracking().Where(e => projectIds.Contains(e.ProjectId)).ToListAsync(cancellationToken);
        return rows.ToDictionary(e => (e.ProjectId, e.Name));
    }

    /// <summary>Decides waiting jobs until nothing changes, so a skip runs down a whole chain at once.</summary>
    private static int PromoteJobs(PipelineRun run, Func<Job, DeploymentEnvironment?> environmentOf, DateTime now)
    {
        var queued = 0;
        bool changed;
        do
        {
            changed = false;
            var current = run.CurrentJobs.ToDictionary(j => j.Name);
            foreach (var job in current.Values.Where(j => j.Status is JobStatus.Created or JobStatus.Waiting))
            {
                var needs = job.Needs.Select(n => current.GetValueOrDefault(n)).ToList();
                if (needs.Any(n => n is null))
                {
                    job.MoveTo(JobStatus.Skipped, now, "a job it needs is not part of this run");
                    changed = true;
                }
                else if (needs.FirstOrDefault(n => Blocks(n!)) is { } blocker)
                {
                    job.MoveTo(JobStatus.Skipped, now, $"skipped because '{blocker.Name}' {StatusWord(blocker.Status)}");
                    changed = true;
                }
                else if (needs.All(n => Passed(n!)))
                {
                    if (!job.IsGated) job.Queue(now, lockKey: null);
                    else if (!DeployGate.Open(job, run, environmentOf(job), now)) { changed = true; continue; }
                    queued++;
                    changed = true;
                }
            }
        } while (changed);
        return queued;
    }

    /// <summary>How many approvals each job waiting for approval has (those with none are absent).</summary>
    private async Task<Dictionary<Guid, int>> ApprovalsOfWaitingAsync(List<PipelineRun> runs, CancellationToken cancellationToken)
    {
        var waiting = runs.SelectMany(r => r.CurrentJobs).Where(j => j.Status == JobStatus.WaitingForApproval).Select(j => j.Id).ToList();
        if (waiting.Count == 0) return [];
        return await db.JobApprovals.AsNoTracking().Where(a => a.Approved && waiting.Contains(a.JobId))
            .GroupBy(a => a.JobId).Select(g => new { JobId = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.JobId, g => g.Count, cancellationToken);
    }

    /// <summary>
    /// Queues jobs whose approvals are complete. The approve request queues the job itself; this catches two approvals
    /// given at the same moment, each of which counted only itself.
    /// </summary>
    private static int QueueApproved(PipelineRun run, Dictionary<Guid, int> approvals, Func<Job, DeploymentEnvironment?> environmentOf, DateTime now)
    {
        var queued = 0;
        foreach (var job in run.CurrentJobs.Where(j => j.Status == JobStatus.WaitingForApproval && approvals.GetValueOrDefault(j.Id) >= j.ApprovalsRequired))
        {
            job.Queue(now, DeployGate.LockKeyOf(job, run, environmentOf(job)));
            queued++;
        }
        return queued;
    }

    /// <summary>A job whose approval deadline passed fails, saying how many approvals it had.</summary>
    private static void TimeOutApprovals(PipelineRun run, DateTime now)
    {
        foreach (var job in run.CurrentJobs.Where(j => j.Status == JobStatus.WaitingForApproval && j.ApprovalDeadline <= now))
            job.MoveTo(JobStatus.Failed, now,
                $"approval timed out: nobody approved it before {job.ApprovalDeadline:yyyy-MM-dd HH:mm:ss} UTC");
    }

    /// <summary>
    /// Under an environment's deploy lock only the newest run's deploy is worth waiting for: older deploys of the same
    /// project and environment still waiting (queued or for approval) are skipped, with a note naming the newer run.
    /// A deploy already running is left alone; the lock makes the newer one wait for it.
    /// </summary>
    private static void SkipOutdatedDeploys(List<PipelineRun> runs, Dictionary<(Guid, string), DeploymentEnvironment> environments, DateTime now)
    {
        var waiting =
            from run in runs
            from job in run.CurrentJobs
            where job.EnvironmentName is not null && job.Status is JobStatus.Queued or JobStatus.WaitingForApproval
            let environment = environments.GetValueOrDefault((run.ProjectId, job.EnvironmentName!))
            where environment is { DeployLock: true }
            group (run, job) by (run.ProjectId, job.EnvironmentName) into deploys
            select deploys.OrderByDescending(d => d.run.Number).ToList();
        foreach (var deploys in waiting.Where(d => d.Count > 1))
        {
            var newest = deploys[0].run;
            foreach (var (_, job) in deploys.Skip(1).Where(d => d.run.Id != newest.Id))
                job.MoveTo(JobStatus.Skipped, now,
                    $"skipped: run #{newest.Number} deploys to '{job.EnvironmentName}' after it (the environment's deploy lock keeps only the newest waiting deploy)");
        }
    }

    // A failed allow_failure job lets its dependents go on, as in GitLab CI.
    private static bool Passed(Job job) => job.Status == JobStatus.Success || (job.Status == JobStatus.Failed && job.AllowFailure);

    private static bool Blocks(Job job) =>
        (job.Status == JobStatus.Failed && !job.AllowFailure) || job.Status is JobStatus.Cancelled or JobStatus.Skipped or JobStatus.Error;

    private static string StatusWord(JobStatus status) => status switch
    {
        JobStatus.Failed => "failed",
        JobStatus.Cancelled => "was cancelled",
        JobStatus.Skipped => "was skipped",
        JobStatus.Error => "was lost",
        _ => "did not pass",
    };

    /// <summary>
    /// Takes the oldest queued job for this node that its concurrency group and its environment's deploy lock let run. The queued → running change is
    /// one conditional UPDATE, so when several nodes share a database exactly one of them gets each job; for a job in
    /// a group the same UPDATE counts the group's running jobs, under the group's lock, so no node starts one too many.
    /// Jobs of a full group are passed over, so they never hold back the rest of the queue.
    /// </summary>
    public async Task<Guid?> ClaimNextAsync(CancellationToken cancellationToken)
    {
        var candidates = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Queued)
            .Where(j => j.ConcurrencyKey == null
                        || db.Jobs.Count(o => o.ConcurrencyKey == j.ConcurrencyKey && o.Status == JobStatus.Running) < j.ConcurrencyLimit)
            .Where(j => j.DeployLockKey == null || !db.Jobs.Any(o => o.DeployLockKey == j.DeployLockKey && o.Status == JobStatus.Running))
            .OrderBy(j => j.QueuedAt).ThenBy(j => j.Id)
            .Select(j => new { j.Id, j.ConcurrencyKey, j.DeployLockKey })
            .Take(8)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var leaseUntil = now + options.Value.LeaseDuration;
        foreach (var candidate in candidates)
        {
            var id = candidate.Id;
            var queued = db.Jobs.Where(j => j.Id == id && j.Status == JobStatus.Queued);
            if (candidate.ConcurrencyKey is { } group)
                queued = queued.Where(j => db.Jobs.Count(o => o.ConcurrencyKey == group && o.Status == JobStatus.Running) < j.ConcurrencyLimit);
            if (candidate.DeployLockKey is { } deployKey)
                queued = queued.Where(j => !db.Jobs.Any(o => o.DeployLockKey == deployKey && o.Status == JobStatus.Running));
            Task<int> Claim() => bulkChanges.UpdateAsync(() => queued.ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Running)
                .SetProperty(j => j.StartedAt, now)
                .SetProperty(j => j.LeaseOwner, node.Id)
                .SetProperty(j => j.LeaseExpiresAt, leaseUntil), cancellationToken),
                async () =>
                {
                    var job = await db.Jobs.AsNoTracking().FirstAsync(j => j.Id == id, cancellationToken);
                    return [new RunChange(RunChangeKind.Job, job.RunId, StatusName.Of(JobStatus.Queued), StatusName.Of(JobStatus.Running)) { Job = job }];
                }, cancellationToken);
            string[] lockKeys = [.. new[] { candidate.ConcurrencyKey, candidate.DeployLockKey is { } d ? "deploy:" + d : null }.OfType<string>()];
            var claimed = lockKeys.Length > 0
                ? await groupLock.WithLockAsync(lockKeys, Claim, cancellationToken)
                : await Claim();
            if (claimed != 1) continue;
            await MarkRunRunningAsync(id, now, cancellationToken);
            return id;
        }
        return null;
    }

    /// <summary>
    /// A run is running once one of its jobs is: said when the job is claimed, so the forge and the event stream see
    /// "running" however short the job. Conditional, like the claim: a run another node moved on meanwhile stays as it is.
    /// </summary>
    private async Task MarkRunRunningAsync(Guid jobId, DateTime now, CancellationToken cancellationToken)
    {
        var runId = await db.Jobs.Where(j => j.Id == jobId).Select(j => j.RunId).FirstAsync(cancellationToken);
        await bulkChanges.UpdateAsync(
            () => db.Runs.Where(r => r.Id == runId && r.Status == RunStatus.Pending)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RunStatus.Running).SetProperty(r => r.StartedAt, now), cancellationToken),
            async () =>
            {
                var run = await db.Runs.AsNoTracking().FirstAsync(r => r.Id == runId, cancellationToken);
                return [new RunChange(RunChangeKind.Run, runId, StatusName.Of(RunStatus.Pending), StatusName.Of(RunStatus.Running)) { Run = run }];
            }, cancellationToken);
    }

    /// <summary>
    /// At start-up: jobs this node was running when it stopped, and jobs whose lease lapsed on any node,
    /// end in <c>error</c>; their runs are finalised. Queued work is left for the dispatcher to resume.
    /// </summary>
    /// <returns>How many jobs were marked lost.</returns>
    public async Task<int> RecoverLostJobsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var me = node.Id;
        var lost = await db.Jobs
            .Where(j => j.Status == JobStatus.Running && (j.LeaseOwner == me || j.LeaseOwner == null || j.LeaseExpiresAt < now))
            .Include(j => j.Steps)
            .ToListAsync(cancellationToken);
        foreach (var job in lost)
        {
            var reason = job.LeaseOwner == me ? "the orchestrator restarted while the job was running" : "the node running the job stopped answering";
            foreach (var step in job.Steps.Where(s => s.Status == StepStatus.Running)) step.MoveTo(StepStatus.Cancelled, now);
            foreach (var step in job.Steps.Where(s => s.Status == StepStatus.Pending)) step.MoveTo(StepStatus.Skipped, now);
            job.MoveTo(JobStatus.Error, now, reason);
        }
        await db.SaveChangesAsync(cancellationToken);
        // A lost deploy job's deployment ends with it; left running it would look like a deploy still in progress.
        var lostIds = lost.Select(j => j.Id).ToList();
        if (lostIds.Count > 0)
            await bulkChanges.UpdateAsync(
                () => db.Deployments.Where(d => lostIds.Contains(d.JobId) && d.Status == DeploymentStatus.Running)
                    .ExecuteUpdateAsync(set => set.SetProperty(d => d.Status, DeploymentStatus.Error).SetProperty(d => d.FinishedAt, now), cancellationToken),
                () => DeploymentChanges.EndedAsync(db, lostIds, now), cancellationToken);
        if (lost.Count > 0) await PromoteAsync(cancellationToken);
        return lost.Count;
    }
}
