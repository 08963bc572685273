using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Models;
using Comet.Application.Common.Security;
using Comet.Application.Projects;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Schedules.Queries;

/// <summary>A project's schedules by name, each with its next fire times.</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record ListSchedulesQuery : PagedQuery, IRequest<PagedList<ScheduleDto>>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    public string Slug { get; init; } = "";
}

public sealed class ListSchedulesValidator : PagedQueryValidator<ListSchedulesQuery>;

public sealed class ListSchedulesHandler(ICometDbContext db, TimeProvider clock) : IRequestHandler<ListSchedulesQuery, PagedList<ScheduleDto>>
{
    public async Task<PagedList<ScheduleDto>> Handle(ListSchedulesQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var page = await PagedList<ScheduleDto>.CreateAsync(
            db.Schedules.AsNoTracking().Where(s => s.ProjectId == projectId).OrderBy(s => s.Name).Select(ScheduleDto.Projection),
            request.Page, request.PageSize, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        return page with { Items = page.Items.Select(s => s.WithNextRuns(now)).ToList() };
    }
}
