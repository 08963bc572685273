using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Identity;
using Comet.Domain.Projects;
using MediatR;

namespace Comet.Application.Schedules.Commands;

/// <summary>Deletes a schedule with its claimed slots; the runs it made stay, still naming it.</summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record DeleteScheduleCommand(string Slug, Guid Id) : IRequest<Unit>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class DeleteScheduleHandler(ICometDbContext db, AuditTrail audit) : IRequestHandler<DeleteScheduleCommand, Unit>
{
    public async Task<Unit> Handle(DeleteScheduleCommand request, CancellationToken cancellationToken)
    {
        var (project, schedule) = await ScheduleLookup.FindAsync(db, request.Slug, request.Id, cancellationToken);
        db.Schedules.Remove(schedule);
        audit.Record(ScheduleAuditActions.Deleted, target: $"project:{project.Slug}", detail: ScheduleAuditActions.Describe(schedule));
        await db.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
