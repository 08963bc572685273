using Comet.Application.Common.Interfaces;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.TestReports.Queries;

/// <summary>What the project-wide test queries share: a project's recent runs and their numbers.</summary>
internal static class ProjectTests
{
    /// <summary>The ids of the project's last <paramref name="count"/> runs.</summary>
    public static Task<List<Guid>> RecentRunsAsync(ICometDbContext db, Guid projectId, int count, CancellationToken cancellationToken) =>
        db.Runs.Where(r => r.ProjectId == projectId).OrderByDescending(r => r.Number).Take(count).Select(r => r.Id).ToListAsync(cancellationToken);

    public static async Task<Dictionary<Guid, long>> RunNumbersAsync(ICometDbContext db, IEnumerable<Guid> runIds, CancellationToken cancellationToken)
    {
        var ids = runIds.Distinct().ToList();
        return await db.Runs.Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Number, cancellationToken);
    }
}
