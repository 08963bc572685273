using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Models;
using Comet.Application.Common.Security;
using Comet.Application.Projects;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Environments.Queries;

/// <summary>An environment's deployments, newest first.</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record ListDeploymentsQuery : PagedQuery, IRequest<PagedList<DeploymentDto>>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    public string Slug { get; init; } = "";
    public string Environment { get; init; } = "";
}

public sealed class ListDeploymentsValidator : PagedQueryValidator<ListDeploymentsQuery>;

public sealed class ListDeploymentsHandler(ICometDbContext db) : IRequestHandler<ListDeploymentsQuery, PagedList<DeploymentDto>>
{
    public async Task<PagedList<DeploymentDto>> Handle(ListDeploymentsQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var environment = await db.Environments.AsNoTracking()
            .Where(e => e.ProjectId == projectId && e.Name == request.Environment).Select(e => new { e.Id, e.Name })
            .FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("environment", request.Environment);
        // The id breaks ties between deployments that started in the same instant (version-7 ids grow with time).
        return await PagedList<DeploymentDto>.CreateAsync(
            db.Deployments.AsNoTracking().Where(d => d.EnvironmentId == environment.Id)
                .OrderByDescending(d => d.StartedAt).ThenByDescending(d => d.Id).Select(DeploymentDto.Projection(environment.Name)),
            request.Page, request.PageSize, cancellationToken);
    }
}
