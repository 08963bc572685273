using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.TestReports.Queries;

/// <summary>Coverage of a branch's last runs that reported any (default: the project's default branch), oldest first.</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record GetCoverageTrendQuery(string Slug, string? Branch = null, int Limit = 30) : IRequest<CoverageTrendDto>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class GetCoverageTrendValidator : AbstractValidator<GetCoverageTrendQuery>
{
    public GetCoverageTrendValidator() => RuleFor(q => q.Limit).InclusiveBetween(1, 500).WithMessage("limit must be between 1 and 500.");
}

public sealed class GetCoverageTrendHandler(ICometDbContext db) : IRequestHandler<GetCoverageTrendQuery, CoverageTrendDto>
{
    public async Task<CoverageTrendDto> Handle(GetCoverageTrendQuery request, CancellationToken cancellationToken)
    {
        var project = await db.Projects.AsNoTracking().Where(p => p.Slug == request.Slug).Select(p => new { p.Id, p.DefaultBranch })
            .FirstOrDefaultAsync(cancellationToken) ?? throw new Common.Exceptions.NotFoundException("project", request.Slug);
        var branch = request.Branch ?? project.DefaultBranch;

        var runs = await db.Runs.AsNoTracking()
            .Where(r => r.ProjectId == project.Id && r.Branch == branch && db.Coverage.Any(c => c.RunId == r.Id))
            .OrderByDescending(r => r.Number).Take(request.Limit)
            .Select(r => new { r.Id, r.Number, r.Sha, r.CreatedAt })
            .ToListAsync(cancellationToken);
        var runIds = runs.Select(r => r.Id).ToList();
        var records = await db.Coverage.AsNoTracking().Where(c => runIds.Contains(c.RunId)).ToListAsync(cancellationToken);
        return new CoverageTrendDto(branch, runs.OrderBy(r => r.Number).Select(r =>
        {
            var total = GetRunCoverageHandler.RunTotal(records.Where(c => c.RunId == r.Id));
            return new CoveragePointDto(r.Id, r.Number, r.Sha, r.CreatedAt, total.LineRate, total.BranchRate);
        }).ToList());
    }
}
