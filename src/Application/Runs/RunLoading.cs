using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Runs;

/// <summary>Loading a run with every attempt of its jobs and their steps, and answering with it.</summary>
internal static class RunLoading
{
    public static async Task<PipelineRun> RunWithJobsAsync(this ICometDbContext db, Guid runId, bool tracked, CancellationToken cancellationToken)
    {
        var runs = tracked ? db.Runs : db.Runs.AsNoTracking();
        return await runs.Include(r => r.Jobs).ThenInclude(j => j.Steps)
            .FirstOrDefaultAsync(r => r.Id == runId, cancellationToken)
            ?? throw new NotFoundException("run", runId.ToString());
    }

    /// <summary>The 404 for a run that does not exist, without loading it (for requests that read only what hangs off it).</summary>
    public static async Task EnsureRunExistsAsync(this ICometDbContext db, Guid runId, CancellationToken cancellationToken)
    {
        if (!await db.Runs.AnyAsync(r => r.Id == runId, cancellationToken)) throw new NotFoundException("run", runId.ToString());
    }

    public static async Task<RunDto> ToDtoAsync(this PipelineRun run, ICometDbContext db, CancellationToken cancellationToken)
    {
        var slug = await db.Projects.Where(p => p.Id == run.ProjectId).Select(p => p.Slug).FirstAsync(cancellationToken);
        var approvals = (await db.JobApprovals.AsNoTracking().Where(a => a.RunId == run.Id).ToListAsync(cancellationToken)).ToLookup(a => a.JobId);
        return run.ToDto(slug, await QueueExplainer.ExplainAsync(db, run, approvals, cancellationToken), approvals);
    }
}
