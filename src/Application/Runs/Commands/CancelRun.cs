using Comet.Domain.Projects;
using Comet.Application.Common.Security;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Comet.Domain.Runs;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Runs.Commands;

/// <summary>Cancels a run: jobs not started never start, running ones are killed with their whole process tree.</summary>
[RequiresProjectRole(ProjectRole.Developer)]
public sealed record CancelRunCommand(Guid RunId) : IRequest<RunDto>, IRunRequest;

public sealed class CancelRunHandler(ICometDbContext db, RunningJobs runningJobs, DispatchSignal dispatch, TimeProvider clock)
    : IRequestHandler<CancelRunCommand, RunDto>
{
    public async Task<RunDto> Handle(CancelRunCommand request, CancellationToken cancellationToken)
    {
        var run = await db.RunWithJobsAsync(request.RunId, tracked: true, cancellationToken);
        if (run.Status is not (RunStatus.Pending or RunStatus.Running))
            throw new Domain.Common.DomainException($"Run #{run.Number} has already ended ({Domain.Common.StatusName.Of(run.Status)}); there is nothing to cancel.");

        var running = run.CurrentJobs.Where(j => j.Status == JobStatus.Running).Select(j => j.Id).ToList();
        run.Cancel(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);

        // Jobs on this node stop now; jobs on other nodes see the cancelled status at their next heartbeat.
        foreach (var jobId in running) runningJobs.Cancel(jobId);
        dispatch.Notify();
        return await run.ToDtoAsync(db, cancellationToken);
    }
}
