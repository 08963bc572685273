using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Projects;
using Comet.Domain.Projects;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.ForgeStatus.Queries;

/// <summary>A project's forge-status setting, with what currently stops statuses from getting through, if anything.</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record GetForgeStatusQuery(string Slug) : IRequest<ForgeStatusDto>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class GetForgeStatusHandler(ICometDbContext db) : IRequestHandler<GetForgeStatusQuery, ForgeStatusDto>
{
    public async Task<ForgeStatusDto> Handle(GetForgeStatusQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == projectId, cancellationToken);
        var setting = await db.ForgeStatusSettings.AsNoTracking().FirstOrDefaultAsync(s => s.ProjectId == projectId, cancellationToken)
                      ?? throw new NotFoundException("forge-status setting for project", request.Slug);
        return await ForgeStatusReading.ToDtoAsync(db, project, setting, cancellationToken);
    }
}
