using Comet.Application.Projects;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Projects;
using Comet.Domain.Testing;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.TestReports.Queries;

/// <summary>The project's flaky tests over its last <see cref="Runs"/> runs (see <see cref="FlakyTests"/> for the rule).</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record GetFlakyTestsQuery(string Slug, int Runs = 50) : IRequest<FlakyTestList>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class GetFlakyTestsValidator : AbstractValidator<GetFlakyTestsQuery>
{
    public GetFlakyTestsValidator() => RuleFor(q => q.Runs).InclusiveBetween(2, 500).WithMessage("runs must be between 2 and 500.");
}

public sealed class GetFlakyTestsHandler(ICometDbContext db) : IRequestHandler<GetFlakyTestsQuery, FlakyTestList>
{
    public async Task<FlakyTestList> Handle(GetFlakyTestsQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var runIds = await ProjectTests.RecentRunsAsync(db, projectId, request.Runs, cancellationToken);
        var inWindow = db.TestCases.Where(c => c.ProjectId == projectId && runIds.Contains(c.RunId));

        // Only a test that failed or was marked at least once in the window can be flaky: read just those.
        var candidates = await inWindow
            .Where(c => c.Status == TestStatus.Failed || c.Status == TestStatus.Error || c.Flaky)
            .Select(c => c.TestId).Distinct().ToListAsync(cancellationToken);
        if (candidates.Count == 0) return new FlakyTestList([]);

        var numbers = await ProjectTests.RunNumbersAsync(db, runIds, cancellationToken);
        var observations = await inWindow.Where(c => candidates.Contains(c.TestId))
            .Select(c => new { c.TestId, c.JobName, c.Suite, c.ClassName, c.Name, c.Status, c.Flaky, c.CommitSha, c.RunId, c.Attempt, c.CreatedAt })
            .ToListAsync(cancellationToken);
        return new FlakyTestList(FlakyTests.Analyze(observations.Select(o => new TestObservation(
            o.TestId, o.JobName, o.Suite, o.ClassName, o.Name, o.Status, o.Flaky, o.CommitSha, numbers[o.RunId], o.Attempt, o.CreatedAt))));
    }
}
