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
        var page = await PagedList<DeploymentEnvironment>.CreateAsync(
            db.Environments.AsNoTracking().Where(e => e.ProjectId == projectId).OrderBy(e => e.Name),
            request.Page, request.PageSize, cancellationToken);

        // Two small indexed reads per environment on one page (at most 100): simpler than a window query that SQLite and
        // PostgreSQL both plan well.
        var items = new List<EnvironmentDto>(page.Items.Count);
        foreach (var environment in page.Items) items.Add(await EnvironmentReading.OneAsync(db, environment, cancellationToken));
        return new PagedList<EnvironmentDto>(items, page.Page, page.PageSize, page.TotalCount);
    }
}
