using Comet.Application.Runs;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Projects;
using Comet.Domain.Testing;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.TestReports.Queries;

/// <summary>
/// A run's coverage: per job attempt with its files, and for the run (the latest attempt of each job, added up:
/// jobs usually cover different code, such as one test project each).
/// </summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record GetRunCoverageQuery(Guid RunId) : IRequest<RunCoverageDto>, IRunRequest;

public sealed class GetRunCoverageHandler(ICometDbContext db) : IRequestHandler<GetRunCoverageQuery, RunCoverageDto>
{
    public async Task<RunCoverageDto> Handle(GetRunCoverageQuery request, CancellationToken cancellationToken)
    {
        var records = await db.Coverage.AsNoTracking().Where(c => c.RunId == request.RunId).ToListAsync(cancellationToken);
        if (records.Count == 0)
        {
            await db.EnsureRunExistsAsync(request.RunId, cancellationToken);
            throw new NotFoundException("coverage report for run", request.RunId.ToString());
        }
        var total = RunTotal(records);
        return new RunCoverageDto(request.RunId, total.LineRate, total.BranchRate, total.LinesCovered, total.LinesValid, total.BranchesCovered,
            total.BranchesValid, records.OrderBy(r => r.JobName, StringComparer.Ordinal).ThenBy(r => r.Attempt).Select(r => new JobCoverageDto(
                r.JobId, r.JobName, r.Attempt, r.Counts.LineRate, r.Counts.BranchRate, r.LinesCovered, r.LinesValid, r.BranchesCovered, r.BranchesValid,
                r.Files.Select(f =>
                {
                    var counts = new CoverageCounts(f.LinesCovered, f.LinesValid, f.BranchesCovered, f.BranchesValid);
                    return new CoverageFileDto(f.Path, counts.LineRate, counts.BranchRate, f.LinesCovered, f.LinesValid, f.BranchesCovered, f.BranchesValid);
                }).ToList()))
            .ToList());
    }

    internal static CoverageCounts RunTotal(IEnumerable<CoverageRecord> records) =>
        LatestAttempts.Of(records, r => r.JobName, r => r.Attempt).Aggregate(CoverageCounts.None, (sum, r) => sum.Plus(r.Counts));
}
