using Comet.Application.Common.Interfaces;
using Comet.Domain.Common;
using Comet.Domain.Environments;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Runs.Changes;

/// <summary>The deployments a bulk update just ended, as changes for <see cref="IBulkRunChanges"/>.</summary>
public static class DeploymentChanges
{
    public static async Task<IReadOnlyList<RunChange>> EndedAsync(ICometDbContext db, IReadOnlyCollection<Guid> jobIds, DateTime finishedAt)
    {
        var ended = await db.Deployments.AsNoTracking()
            .Where(d => jobIds.Contains(d.JobId) && d.FinishedAt == finishedAt && d.Status != DeploymentStatus.Running)
            .ToListAsync(CancellationToken.None);
        return [.. ended.Select(d => new RunChange(RunChangeKind.Deployment, d.RunId, StatusName.Of(DeploymentStatus.Running), StatusName.Of(d.Status)) { Deployment = d })];
    }
}
