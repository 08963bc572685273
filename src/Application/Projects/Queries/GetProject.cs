using Comet.Domain.Projects;
using Comet.Application.Common.Security;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Projects.Queries;

[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record GetProjectQuery(string Slug) : IRequest<ProjectDto>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class GetProjectHandler(ICometDbContext db) : IRequestHandler<GetProjectQuery, ProjectDto>
{
    public async Task<ProjectDto> Handle(GetProjectQuery request, CancellationToken cancellationToken) =>
        await db.Projects.AsNoTracking()
            .Where(p => p.Slug == request.Slug)
            .Select(ProjectDto.Projection)
            .FirstOrDefaultAsync(cancellationToken)
        ?? throw new NotFoundException("project", request.Slug);
}
