using Comet.Domain.Projects;
using Comet.Application.Common.Security;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Comet.Domain.Runs;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Runs.Commands;

/// <summary>
/// Re-runs a finished run's failed, cancelled, lost and skipped jobs as new attempts; jobs that passed
/// keep their result. The run becomes running again.
/// </summary>
[RequiresProjectRole(ProjectRole.Developer)]
public sealed record RetryRunCommand(Guid RunId) : IRequest<RunDto>, IRunRequest;

public sealed class RetryRunHandler(ICometDbContext db, DispatchSignal dispatch, TimeProvider clock) : IRequestHandler<RetryRunCommand, RunDto>
{
    public async Task<RunDto> Handle(RetryRunCommand request, CancellationToken cancellationToken)
    {
        var run = await db.RunWithJobsAsync(request.RunId, tracked: true, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var retried = JobsToRetry(run.CurrentJobs);
        if (retried.Count == 0)
            throw new Domain.Common.DomainException($"Run #{run.Number} has no failed, cancelled or lost job to retry.");
        run.Reopen(now);

        var retriedNames = retried.Select(j => j.Name).ToHashSet();
        foreach (var job in retried)
        {
            var next = job.ManualRetry(now);
            JobSpec.Of(job).AddStepsTo(next);
            // Jobs whose needs all passed (or are not retried) can start now; the rest wait for them, and gated jobs go
            // through their environment's rules and approvals again.
            next.MoveTo(next.Needs.Any(retriedNames.Contains) || next.IsGated ? JobStatus.Waiting : JobStatus.Queued, now);
            run.AddAttempt(next);
            db.Jobs.Add(next);
        }
        await db.SaveChangesAsync(cancellationToken);
        dispatch.Notify();
        return await run.ToDtoAsync(db, cancellationToken);
    }

    /// <summary>Failed, cancelled and lost jobs, plus the jobs skipped because of them (not those skipped by when:).</summary>
    private static List<Job> JobsToRetry(IReadOnlyList<Job> jobs)
    {
        var retried = jobs.Where(j => j.Status is JobStatus.Failed or JobStatus.Cancelled or JobStatus.Error).ToList();
        var names = retried.Select(j => j.Name).ToHashSet();
        bool grew;
        do
        {
            var dependents = jobs.Where(j => j.Status == JobStatus.Skipped && !names.Contains(j.Name) && j.Needs.Any(names.Contains)).ToList();
            retried.AddRange(dependents);
            names.UnionWith(dependents.Select(j => j.Name));
            grew = dependents.Count > 0;
        } while (grew);
        return retried;
    }
}
