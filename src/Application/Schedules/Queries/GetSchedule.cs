using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Projects;
using Comet.Domain.Projects;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Schedules.Queries;

[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record GetScheduleQuery(string Slug, Guid Id) : IRequest<ScheduleDto>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class GetScheduleHandler(ICometDbContext db, TimeProvider clock) : IRequestHandler<GetScheduleQuery, ScheduleDto>
{
    public async Task<ScheduleDto> Handle(GetScheduleQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var schedule = await db.Schedules.AsNoTracking().Where(s => s.Id == request.Id && s.ProjectId == projectId)
            .Select(ScheduleDto.Projection).FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("schedule", request.Id.ToString());
        return schedule.WithNextRuns(clock.GetUtcNow().UtcDateTime);
    }
}
