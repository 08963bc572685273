using Comet.Application.Common.Interfaces;
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
public sealed class RunScheduler(ICometDbContext db, INodeIdentity node, IConcurrencyGroupLock groupLock, IOptions<RunnerOptions> options,
    TimeProvider clock)
{
    /// <summary>Moves waiting jobs on (queued or skipped) and brings run statuses up to date.</summary>
    /// <returns>How many jobs were queued.</returns>
    public async Task<int> PromoteAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var runs = await db.Runs
            .Where(r => r.Status == RunStatus.Pending || r.Status == RunStatus.Running)
            .Include(r => r.Jobs)
            
            .ToListAsync(cancellationToken);

        var queued = 0;
        foreach (var run in runs)
        {
            queued += PromoteJobs(run, now);
            run.UpdateFromJobs(now);
        }
        await db.SaveChangesAsync(cancellationToken);
        return queued;
    }

    /// <summary>Decides waiting jobs until nothing changes, so a skip runs down a whole chain at once.</summary>
    private static int PromoteJobs(PipelineRun run, DateTime now)
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
                    job.MoveTo(JobStatus.Queued, now);
                    queued++;
                    changed = true;
                }
            }
        } while (changed);
        return queued;
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
    /// Takes the oldest queued job for this node that its concurrency group lets run. The queued → running change is
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
            .OrderBy(j => j.QueuedAt).ThenBy(j => j.Id)
            .Select(j => new { j.Id, j.ConcurrencyKey })
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
            Task<int> Claim() => queued.ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, JobStatus.Running)
                .SetProperty(j => j.StartedAt, now)
                .SetProperty(j => j.LeaseOwner, node.Id)
                .SetProperty(j => j.LeaseExpiresAt, leaseUntil), cancellationToken);
            var claimed = candidate.ConcurrencyKey is { } key
                ? await groupLock.WithLockAsync(key, Claim, cancellationToken)
                : await Claim();
            if (claimed == 1) return id;
        }
        return null;
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
            await db.Deployments.Where(d => lostIds.Contains(d.JobId) && d.Status == DeploymentStatus.Running)
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.Status, DeploymentStatus.Error).SetProperty(d => d.FinishedAt, now), cancellationToken);
        if (lost.Count > 0) await PromoteAsync(cancellationToken);
        return lost.Count;
    }
}
