using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Models;
using Comet.Application.Common.Security;
using Comet.Application.Projects;
using Comet.Domain.Environments;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Environments.Queries;

/// <summary>A project's environments by name, each with its current (latest successful) and latest deployment.</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record ListEnvironmentsQuery : PagedQuery, IRequest<PagedList<EnvironmentDto>>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    public string Slug { get; init; } = "";
}

public sealed class ListEnvironmentsValidator : PagedQueryValidator<ListEnvironmentsQuery>;

public sealed class ListEnvironmentsHandler(ICometDbContext db) : IRequestHandler<ListEnvironmentsQuery, PagedList<EnvironmentDto>>
{
    public async Task<PagedList<EnvironmentDto>> Handle(ListEnvironmentsQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var page = await PagedList<EnvironmentRow>.CreateAsync(
            db.Environments.AsNoTracking().Where(e => e.ProjectId == projectId).OrderBy(e => e.Name)
                .Select(e => new EnvironmentRow(e.Id, e.Name, e.Url, e.CreatedAt)),
            request.Page, request.PageSize, cancellationToken);

        // Two small indexed reads per environment on one page (at most 100): simpler than a window query that SQLite and
        // PostgreSQL both plan well.
        var items = new List<EnvironmentDto>(page.Items.Count);
        foreach (var environment in page.Items)
        {
            var deployments = db.Deployments.AsNoTracking().Where(d => d.EnvironmentId == environment.Id)
                .OrderByDescending(d => d.StartedAt).ThenByDescending(d => d.Id);
            var projection = DeploymentDto.Projection(environment.Name);
            items.Add(new EnvironmentDto
            {
                Name = environment.Name,
                Url = environment.Url,
                CreatedAt = environment.CreatedAt,
                Current = await deployments.Where(d => d.Status == DeploymentStatus.Success).Select(projection).FirstOrDefaultAsync(cancellationToken),
                Latest = await deployments.Select(projection).FirstOrDefaultAsync(cancellationToken),
            });
        }
        return new PagedList<EnvironmentDto>(items, page.Page, page.PageSize, page.TotalCount);
    }

    private sealed record EnvironmentRow(Guid Id, string Name, string? Url, DateTime CreatedAt);
}
