using Comet.Application.Pipelines;
using Comet.Domain.Environments;
using Comet.Domain.Runs;

namespace Comet.Application.Environments;

/// <summary>
/// What must happen before a gated job (manual, <c>approval: required</c>, or deploying to an environment) may queue,
/// decided once its needs have passed, from the environment's rules as they are at that moment:
/// a ref the environment does not allow fails the job loudly (it never runs without the environment's secrets);
/// approvals make it wait; a deploy lock queues it under the environment's key.
/// </summary>
public static class DeployGate
{
    /// <summary>Moves a gated job whose needs passed on: failed, waiting for approval, or queued.</summary>
    /// <returns>True when the job was queued.</returns>
    public static bool Open(Job job, PipelineRun run, DeploymentEnvironment? environment, DateTime now)
    {
        if (environment is not null && RefRefusal(environment, run) is { } refusal)
        {
            job.MoveTo(JobStatus.Failed, now, refusal);
            return false;
        }

        var byEnvironment = environment?.RequiredApprovals ?? 0;
        var approvals = Math.Max(byEnvironment, job.Manual || job.ApprovalRequired ? 1 : 0);
        if (approvals > 0)
        {
            // The author's own approval counts only where no environment asks for other eyes.
            var selfAllowed = byEnvironment == 0 || environment!.AllowSelfApproval;
            var byMaintainers = job.ApprovalRequired || byEnvironment > 0;
            var deadline = environment?.ApprovalTimeout is { } timeout ? now + timeout : (DateTime?)null;
            job.AwaitApproval(approvals, selfAllowed, byMaintainers, deadline, now);
            return false;
        }
        job.Queue(now, LockKeyOf(job, run, environment));
        return true;
    }

    /// <summary>The deploy-lock key the job queues under, or null when its environment has no lock.</summary>
    public static string? LockKeyOf(Job job, PipelineRun run, DeploymentEnvironment? environment) =>
        environment is { DeployLock: true } && job.EnvironmentName is { } name ? ConcurrencyGroups.KeyOf(run.ProjectId, name) : null;

    /// <summary>Why the run's ref may not deploy to the environment, or null when it may (no ref rules: any ref may).</summary>
    public static string? RefRefusal(DeploymentEnvironment environment, PipelineRun run)
    {
        if (environment.Branches.Count == 0 && environment.Tags.Count == 0) return null;
        if (run.Branch is { } branch && environment.Branches.Any(p => GlobPattern.IsMatch(p, branch))) return null;
        if (run.Tag is { } tag && environment.Tags.Any(p => GlobPattern.IsMatch(p, tag))) return null;

        var what = run.Tag is { } t ? $"tag '{t}'" : run.Branch is { } b ? $"branch '{b}'" : $"ref '{run.Ref}'";
        var allowed = new List<string>();
        if (environment.Branches.Count > 0) allowed.Add("branches " + string.Join(", ", environment.Branches));
        if (environment.Tags.Count > 0) allowed.Add("tags " + string.Join(", ", environment.Tags));
        return $"{what} may not deploy to '{environment.Name}': its rules allow only {string.Join(" and ", allowed)}";
    }
}
