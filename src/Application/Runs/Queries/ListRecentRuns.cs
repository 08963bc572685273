using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Projects;
using Comet.Domain.Runs;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Runs.Queries;

/// <summary>
/// The newest runs of every project the caller may see (the same rule as the project list), optionally of some statuses
/// only: what a dashboard shows as "in progress" (queued, running) and "recent failures" (failed, error).
/// </summary>
[RequiresSignIn]
public sealed record ListRecentRunsQuery : IRequest<RunList>
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;

    /// <summary>Run statuses to keep (any of them); none: every status.</summary>
    public IReadOnlyList<string> Statuses { get; init; } = [];
    public long Limit { get; init; } = DefaultLimit;
}

/// <summary>Runs that are not one project's page: just the items.</summary>
public sealed record RunList(IReadOnlyList<RunSummaryDto> Items);

public sealed class ListRecentRunsValidator : AbstractValidator<ListRecentRunsQuery>
{
    private const int MaxStatuses = 16;

    public ListRecentRunsValidator()
    {
        RuleFor(q => q.Statuses.Count).LessThanOrEqualTo(MaxStatuses).OverridePropertyName("status")
            .WithMessage($"Give at most {MaxStatuses} statuses.");
        RuleForEach(q => q.Statuses).KnownRunStatus().OverridePropertyName("status");
        RuleFor(q => q.Limit).InclusiveBetween(1, ListRecentRunsQuery.MaxLimit)
            .WithMessage($"limit must be between 1 and {ListRecentRunsQuery.MaxLimit}.");
    }
}

public sealed class ListRecentRunsHandler(ICometDbContext db, ICurrentUser user) : IRequestHandler<ListRecentRunsQuery, RunList>
{
    public async Task<RunList> Handle(ListRecentRunsQuery request, CancellationToken cancellationToken)
    {
        var statuses = request.Statuses.Select(RunListing.StatusNamed).OfType<RunStatus>().Distinct().ToList();
        var runs = db.Runs.AsNoTracking();
        if (statuses.Count > 0) runs = runs.Where(r => statuses.Contains(r.Status));
        var rows =
            from r in runs
            join p in db.Projects.AsNoTracking().VisibleTo(db, user) on r.ProjectId equals p.Id
            // Run numbers count within a project; across projects the creation time orders, the id (time-ordered) breaks ties.
            orderby r.CreatedAt descending, r.Id descending
            select new RunRow { Run = r, ProjectSlug = p.Slug };
        return new RunList(await rows.Take((int)request.Limit).Select(RunListing.ToSummary).ToListAsync(cancellationToken));
    }
}
