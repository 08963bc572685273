using Comet.Application.Projects;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Projects;
using Comet.Domain.Testing;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.TestReports.Queries;

/// <summary>The project's slowest tests by their median duration over its last <see cref="Runs"/> runs (skipped results left out).</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record GetSlowestTestsQuery(string Slug, int Limit = 20, int Runs = 50) : IRequest<SlowTestList>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class GetSlowestTestsValidator : AbstractValidator<GetSlowestTestsQuery>
{
    public GetSlowestTestsValidator()
    {
        RuleFor(q => q.Limit).InclusiveBetween(1, 500).WithMessage("limit must be between 1 and 500.");
        RuleFor(q => q.Runs).InclusiveBetween(1, 500).WithMessage("runs must be between 1 and 500.");
    }
}

public sealed class GetSlowestTestsHandler(ICometDbContext db) : IRequestHandler<GetSlowestTestsQuery, SlowTestList>
{
    public async Task<SlowTestList> Handle(GetSlowestTestsQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var runIds = await ProjectTests.RecentRunsAsync(db, projectId, request.Runs, cancellationToken);
        var timed = await db.TestCases
            .Where(c => c.ProjectId == projectId && runIds.Contains(c.RunId) && c.DurationMs != null && c.Status != TestStatus.Skipped)
            .Select(c => new { c.TestId, c.JobName, c.Suite, c.ClassName, c.Name, c.CreatedAt, c.Attempt, Duration = c.DurationMs!.Value })
            .ToListAsync(cancellationToken);
        return new SlowTestList(timed.GroupBy(c => c.TestId)
            .Select(test =>
            {
                var durations = test.Select(c => c.Duration).Order().ToList();
                var last = test.MaxBy(c => (c.CreatedAt, c.Attempt))!;
                return new SlowTestDto(test.Key, last.JobName, last.Suite, last.ClassName, last.Name, Median(durations), durations[^1],
                    last.Duration, durations.Count);
            })
            .OrderByDescending(t => t.MedianDurationMs).ThenBy(t => t.TestId, StringComparer.Ordinal)
            .Take(request.Limit)
            .ToList());
    }

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
