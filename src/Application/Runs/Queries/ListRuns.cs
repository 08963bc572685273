using Comet.Application.Common.Validation;
using Comet.Application.Projects;
using Comet.Domain.Projects;
using Comet.Application.Common.Security;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Models;
using Comet.Domain.Runs;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Runs.Queries;

/// <summary>
/// A project's runs, newest first, optionally only one status, branch or event; by page number, or below a run number
/// (<see cref="Before"/>), which stays as fast on the thousandth page as on the first.
/// </summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record ListRunsQuery : PagedQuery, IRequest<RunPage>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    public string Slug { get; init; } = "";
    public string? Status { get; init; }
    public string? Branch { get; init; }
    public string? Event { get; init; }

    /// <summary>Only runs numbered below this (the previous page's nextBefore); no total is counted.</summary>
    public long? Before { get; init; }
}

public sealed class ListRunsValidator : PagedQueryValidator<ListRunsQuery>
{
    public ListRunsValidator()
    {
        RuleFor(q => q.Branch).PlainDisplayText();
        RuleFor(q => q.Status).KnownRunStatus();
        RuleFor(q => q.Before).GreaterThan(0).WithMessage("before must be a run number (1 or more): the nextBefore of the previous page.");
        RuleFor(q => q.Page).Equal(1).When(q => q.Before is not null)
            .WithMessage("Give page or before, not both: before pages by run number (the previous page's nextBefore).");
    }
}

public sealed class ListRunsHandler(ICometDbContext db) : IRequestHandler<ListRunsQuery, RunPage>
{
    public async Task<RunPage> Handle(ListRunsQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var runs = db.Runs.AsNoTracking().Where(r => r.ProjectId == projectId);
        if (request.Status is not null)
        {
            var status = RunListing.StatusNamed(request.Status);
            runs = runs.Where(r => r.Status == status);
        }
        if (request.Branch is not null) runs = runs.Where(r => r.Branch == request.Branch);
        if (request.Event is not null) runs = runs.Where(r => r.Event == request.Event);
        if (request.Before is { } before) runs = runs.Where(r => r.Number < before);
        // Newest first along the unique (project_id, number) index: a page below a number is a range read of that index.
        var slug = request.Slug;
        var rows = runs.OrderByDescending(r => r.Number).Select(r => new RunRow { Run = r, ProjectSlug = slug });
        var pageSize = (int)request.PageSize;

        if (request.Before is not null)
        {
            // One row more than asked says whether another page follows, without counting.
            var items = await rows.Take(pageSize + 1).Select(RunListing.ToSummary)
                .ToListAsync(cancellationToken);
            var more = items.Count > pageSize;
            if (more) items.RemoveAt(pageSize);
            return new RunPage(items, Page: null, pageSize, TotalCount: null, TotalPages: null, more ? items[^1].Number : null);
        }

        var page = await PagedList<RunSummaryDto>.CreateAsync(rows.Select(RunListing.ToSummary), request.Page, request.PageSize, cancellationToken);
        var olderFollow = (long)page.Page * page.PageSize < page.TotalCount && page.Items.Count > 0;
        return new RunPage(page.Items, page.Page, page.PageSize, page.TotalCount, page.TotalPages, olderFollow ? page.Items[^1].Number : null);
    }
}
