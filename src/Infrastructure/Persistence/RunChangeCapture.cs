using Comet.Application.Runs.Changes;
using Comet.Domain.Common;
using Comet.Domain.Environments;
using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Comet.Infrastructure.Persistence;

/// <summary>
/// Reads the run state changes a SaveChanges carries from the change tracker: new runs, jobs and deployments, status
/// changes of runs, jobs, steps and deployments, and new approval decisions.
/// </summary>
internal static class RunChangeCapture
{
    public static List<RunChange> Collect(ChangeTracker tracker)
    {
        var changes = new List<RunChange>();
        // A step knows its job, not its run: the run comes from the job when the job is loaded too.
        var runOfJob = tracker.Entries<Job>().ToDictionary(e => e.Entity.Id, e => e.Entity.RunId);
        foreach (var entry in tracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified)) continue;
            switch (entry.Entity)
            {
                case PipelineRun run when StatusChange<RunStatus>(entry) is var (from, to) && to is not null:
                    changes.Add(new RunChange(RunChangeKind.Run, run.Id, from, to) { Run = run });
                    break;
                case Job job when StatusChange<JobStatus>(entry) is var (from, to) && to is not null:
                    changes.Add(new RunChange(RunChangeKind.Job, job.RunId, from, to) { Job = job });
                    break;
                case Step step when entry.State == EntityState.Modified && StatusChange<StepStatus>(entry) is var (from, to) && to is not null:
                    changes.Add(new RunChange(RunChangeKind.Step, runOfJob.GetValueOrDefault(step.JobId), from, to) { Step = step });
                    break;
                case Deployment deployment when StatusChange<DeploymentStatus>(entry) is var (from, to) && to is not null:
                    changes.Add(new RunChange(RunChangeKind.Deployment, deployment.RunId, from, to) { Deployment = deployment });
                    break;
                case JobApproval approval when entry.State == EntityState.Added:
                    changes.Add(new RunChange(RunChangeKind.Approval, approval.RunId, null, approval.Approved ? "approved" : "rejected") { Approval = approval });
                    break;
            }
        }
        return changes;
    }

    /// <summary>(from, to) for a new entity (from null) or a changed Status; (null, null) when the status did not change.</summary>
    private static (string? From, string? To) StatusChange<TStatus>(EntityEntry entry) where TStatus : struct, Enum
    {
        var property = entry.Property("Status");
        var current = StatusName.Of((TStatus)property.CurrentValue!);
        if (entry.State == EntityState.Added) return (null, current);
        if (!property.IsModified) return (null, null);
        var original = StatusName.Of((TStatus)property.OriginalValue!);
        return original == current ? (null, null) : (original, current);
    }
}
