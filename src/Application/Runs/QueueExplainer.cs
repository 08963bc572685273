using Comet.Application.Common.Interfaces;
using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Runs;

/// <summary>
/// Says why each job of a run that has not started waits, from the queue as it is now (computed when the run is read,
/// never stored, so it cannot go stale): needs not done, waiting for approval, its concurrency group is full, or no
/// runner slot is free yet (with its place in the queue). Only this project's jobs are ever named.
/// </summary>
public static class QueueExplainer
{
    /// <param name="onlyJobs">Explain only these jobs of the run (a list that shows some of them); null: all.</param>
    public static async Task<IReadOnlyDictionary<Guid, WaitingReason>> ExplainAsync(ICometDbContext db, PipelineRun run,
        ILookup<Guid, JobApproval>? approvals, CancellationToken cancellationToken, IReadOnlySet<Guid>? onlyJobs = null)
    {
        var reasons = new Dictionary<Guid, WaitingReason>();
        var current = run.CurrentJobs.ToDictionary(j => j.Name);
        foreach (var job in current.Values.Where(j => onlyJobs is null || onlyJobs.Contains(j.Id)))
        {
            var reason = job.Status switch
            {
                JobStatus.Created or JobStatus.Waiting => NeedsNotDone(job, current),
                JobStatus.WaitingForApproval => ForApproval(job, run, approvals?[job.Id].ToList() ?? []),
                JobStatus.Queued => await InQueueAsync(db, job, cancellationToken),
                _ => null,
            };
            if (reason is not null) reasons[job.Id] = reason;
        }
        return reasons;
    }

    private static WaitingReason NeedsNotDone(Job job, IReadOnlyDictionary<string, Job> current)
    {
        var pending = job.Needs.Where(n => current.GetValueOrDefault(n) is not { } need || !JobTransitions.Table.IsTerminal(need.Status)).ToList();
        var detail = pending.Count == 0
            ? "the jobs it needs have finished; it is queued at the dispatcher's next pass"
            : $"waiting for {Names(pending)} to finish";
        return new WaitingReason(WaitingKinds.Needs, detail) { Needs = pending };
    }

    /// <summary>
    /// How many approvals it has and needs, who may give them (roles; never a list of people), who may not (the run's
    /// author, where the rules say so), and until when it waits.
    /// </summary>
    private static WaitingReason ForApproval(Job job, PipelineRun run, IReadOnlyList<JobApproval> given)
    {
        var approvedBy = given.Where(a => a.Approved).Select(a => a.Username).ToList();
        var who = job.ApprovalByMaintainers ? "maintainers and owners of the project" : "developers, maintainers and owners of the project";
        if (!job.SelfApprovalAllowed && run.TriggeredBy is { } author) who += $", except {author}, who triggered the run";
        var detail = job.Manual && !job.ApprovalByMaintainers
            ? $"manual job: waiting for someone to start it ({who} may, with POST …/approve)"
            : $"waiting for approval{(job.EnvironmentName is { } env ? $" to deploy to '{env}'" : "")}: {approvedBy.Count} of {job.ApprovalsRequired} given"
              + (approvedBy.Count > 0 ? $" (by {string.Join(", ", approvedBy)})" : "") + $"; {who} may approve";
        if (job.ApprovalDeadline is { } deadline) detail += $"; it fails if not approved by {deadline:yyyy-MM-dd HH:mm:ss} UTC";
        return new WaitingReason(WaitingKinds.Approval, detail)
        {
            ApprovalsGiven = approvedBy.Count, ApprovalsRequired = job.ApprovalsRequired, ApprovedBy = approvedBy,
            Approvers = job.ApprovalByMaintainers ? "maintainers" : "developers",
            ExceptUser = job.SelfApprovalAllowed ? null : run.TriggeredBy, Deadline = job.ApprovalDeadline,
        };
    }

    private static async Task<WaitingReason> InQueueAsync(ICometDbContext db, Job job, CancellationToken cancellationToken)
    {
        if (job.ConcurrencyKey is { } key && job.ConcurrencyLimit is { } limit
            && await GroupHolderAsync(db, job, key, limit, cancellationToken) is { } held)
            return held;
        if (job.DeployLockKey is { } lockKey && await DeployLockHolderAsync(db, job, lockKey, cancellationToken) is { } locked)
            return locked;

        // Ahead: every queued job (of any project) a free slot would take first; the count only, never which. Jobs queued
        // in the same instant (a run's first jobs) are ordered by id, as the claim orders them.
        var queuedAt = job.QueuedAt;
        var ahead = await db.Jobs.AsNoTracking().CountAsync(j => j.Status == JobStatus.Queued && j.QueuedAt < queuedAt, cancellationToken);
        var sameInstant = await db.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Queued && j.QueuedAt == queuedAt)
            .Select(j => j.Id).ToListAsync(cancellationToken);
        ahead += sameInstant.Count(id => IsBefore(id, job.Id));
        var running = await db.Jobs.AsNoTracking().CountAsync(j => j.Status == JobStatus.Running, cancellationToken);
        var position = ahead + 1;
        return new WaitingReason(WaitingKinds.RunnerSlot,
            $"waiting for a free runner slot: position {position} in the queue ({running} job{(running == 1 ? "" : "s")} running)")
        {
            Position = position,
        };
    }

    /// <summary>
    /// The group is full (its running jobs reach the limit), or the jobs queued before this one will take the places
    /// left: names the oldest running holder, else the first job ahead in the group.
    /// </summary>
    private static async Task<WaitingReason?> GroupHolderAsync(ICometDbContext db, Job job, string key, int limit, CancellationToken cancellationToken)
    {
        var queuedAt = job.QueuedAt;
        var group = ConcurrencyGroups.NameOf(key);
        var candidates = await (
                from j in db.Jobs.AsNoTracking()
                join r in db.Runs.AsNoTracking() on j.RunId equals r.Id
                where j.ConcurrencyKey == key && j.Id != job.Id
                      && (j.Status == JobStatus.Running || (j.Status == JobStatus.Queued && j.QueuedAt <= queuedAt))
                select new { j.Id, j.Name, j.Status, j.StartedAt, j.QueuedAt, RunId = r.Id, r.Number })
            .ToListAsync(cancellationToken);
        var holders = candidates
            .Where(c => c.Status == JobStatus.Running || c.QueuedAt < queuedAt || IsBefore(c.Id, job.Id))
            .OrderBy(c => c.Status == JobStatus.Running ? 0 : 1).ThenBy(c => c.StartedAt).ThenBy(c => c.QueuedAt)
            .ToList();
        var running = holders.Where(h => h.Status == JobStatus.Running).ToList();
        if (holders.Count < limit) return null;

        var holder = running.Count > 0 ? running[0] : holders[0];
        var heldBy = new WaitingHolder(holder.RunId, holder.Number, holder.Id, holder.Name, Domain.Common.StatusName.Of(holder.Status));
        var detail = running.Count >= limit
            ? $"concurrency group '{group}' (limit {limit}) is held by run #{holder.Number} (job '{holder.Name}')"
            : $"concurrency group '{group}' (limit {limit}): run #{holder.Number} (job '{holder.Name}') is ahead of it in the group's queue";
        return new WaitingReason(WaitingKinds.Concurrency, detail) { Group = group, Limit = limit, HeldBy = heldBy };
    }

    /// <summary>The environment's deploy lock is held: names the run whose deploy is running there.</summary>
    private static async Task<WaitingReason?> DeployLockHolderAsync(ICometDbContext db, Job job, string lockKey, CancellationToken cancellationToken)
    {
        var holder = await (
                from j in db.Jobs.AsNoTracking()
                join r in db.Runs.AsNoTracking() on j.RunId equals r.Id
                where j.DeployLockKey == lockKey && j.Status == JobStatus.Running && j.Id != job.Id
                orderby j.StartedAt
                select new { j.Id, j.Name, j.Status, RunId = r.Id, r.Number })
            .FirstOrDefaultAsync(cancellationToken);
        if (holder is null) return null;
        return new WaitingReason(WaitingKinds.DeployLock,
            $"the deploy lock of environment '{job.EnvironmentName}' is held: run #{holder.Number} (job '{holder.Name}') is deploying there")
        {
            HeldBy = new WaitingHolder(holder.RunId, holder.Number, holder.Id, holder.Name, Domain.Common.StatusName.Of(holder.Status)),
            Environment = job.EnvironmentName,
        };
    }

    /// <summary>The order the databases give ids (SQLite compares the stored text, PostgreSQL the bytes: the same order).</summary>
    private static bool IsBefore(Guid id, Guid other) => string.CompareOrdinal(id.ToString(), other.ToString()) < 0;

    private static string Names(IReadOnlyList<string> names) =>
        names.Count == 1 ? $"'{names[0]}'" : string.Join(", ", names.Take(names.Count - 1).Select(n => $"'{n}'")) + $" and '{names[^1]}'";
}
