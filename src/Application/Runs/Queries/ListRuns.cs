using Comet.Application.Common.Validation;
using Comet.Application.Projects;
using Comet.Domain.Projects;
using Comet.Application.Common.Security;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Models;
using Comet.Domain.Common;
using Comet.Domain.Runs;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Runs.Queries;

/// <summary>A project's runs, newest first, optionally only one status, branch or event.</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record ListRunsQuery : PagedQuery, IRequest<PagedList<RunSummaryDto>>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    public string Slug { get; init; } = "";
    public string? Status { get; init; }
    public string? Branch { get; init; }
    public string? Event { get; init; }
}

public sealed class ListRunsValidator : PagedQueryValidator<ListRunsQuery>
{
    private static readonly string[] Statuses = Enum.GetValues<RunStatus>().Select(StatusName.Of).ToArray();

    public ListRunsValidator()
    {
        RuleFor(q => q.Branch).PlainDisplayText();
        RuleFor(q => q.Status).Must(s => s is null || Statuses.Contains(s))
            .WithMessage($"Status must be one of: {string.Join(", ", Statuses)}.");
    }
}

public sealed class ListRunsHandler(ICometDbContext db) : IRequestHandler<ListRunsQuery, PagedList<RunSummaryDto>>
{
    public async Task<PagedList<RunSummaryDto>> Handle(ListRunsQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var runs = db.Runs.AsNoTracking().Where(r => r.ProjectId == projectId);
        if (request.Status is not null)
        {
            var status = Enum.GetValues<RunStatus>().First(s => StatusName.Of(s) == request.Status);
            runs = runs.Where(r => r.Status == status);
        }
        if (request.Branch is not null) runs = runs.Where(r => r.Branch == request.Branch);
        if (request.Event is not null) runs = runs.Where(r => r.Event == request.Event);
        return await PagedList<RunSummaryDto>.CreateAsync(
            runs.OrderByDescending(r => r.Number).Select(r => new RunSummaryDto(
                r.Id, r.Number, r.Status, r.Event, r.Ref, r.Sha, r.CommitMessage, r.CreatedAt, r.StartedAt, r.FinishedAt)),
            request.Page, request.PageSize, cancellationToken);
    }
}
