using Comet.Application.Projects;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.TestReports.Queries;

/// <summary>The last results of one test case across the project's runs, newest first.</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record GetTestHistoryQuery(string Slug, string TestId, int Limit = 20) : IRequest<TestHistoryDto>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class GetTestHistoryValidator : AbstractValidator<GetTestHistoryQuery>
{
    public GetTestHistoryValidator() => RuleFor(q => q.Limit).InclusiveBetween(1, 500).WithMessage("limit must be between 1 and 500.");
}

public sealed class GetTestHistoryHandler(ICometDbContext db) : IRequestHandler<GetTestHistoryQuery, TestHistoryDto>
{
    public async Task<TestHistoryDto> Handle(GetTestHistoryQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var results = await db.TestCases.AsNoTracking()
            .Where(c => c.ProjectId == projectId && c.TestId == request.TestId)
            .OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Attempt)
            .Take(request.Limit)
            .ToListAsync(cancellationToken);
        if (results.Count == 0) throw new NotFoundException("test", request.TestId);
        var numbers = await ProjectTests.RunNumbersAsync(db, results.Select(r => r.RunId), cancellationToken);
        var newest = results[0];
        return new TestHistoryDto(newest.TestId, newest.JobName, newest.Suite, newest.ClassName, newest.Name, results
            .Select(r => new TestResultDto(r.RunId, numbers[r.RunId], r.JobId, r.Attempt, r.CommitSha, r.Branch, r.Status, r.DurationMs, r.Message,
                r.Flaky, r.CreatedAt))
            .ToList());
    }
}
