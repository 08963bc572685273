using Comet.Application.Common.Interfaces;
using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Artifacts;

/// <summary>
/// Before a job's steps: places the artifacts of the jobs it needs (their latest attempt in the same run) into its
/// workspace at the paths they were kept from. A path that would leave the workspace, for instance through a link
/// checked into the repository, is refused with a job warning.
/// </summary>
public sealed class NeededArtifacts(ICometDbContext db, IArtifactStore store, TimeProvider clock)
{
    public async Task PlaceAsync(Job job, IJobFiles files, CancellationToken cancellationToken)
    {
        if (job.Needs.Count == 0) return;
        var now = clock.GetUtcNow().UtcDateTime;
        var candidates = await db.Artifacts.AsNoTracking()
            .Where(a => a.RunId == job.RunId && job.Needs.Contains(a.JobName) && a.ExpiresAt > now)
            .ToListAsync(cancellationToken);
        var latest = candidates
            .GroupBy(a => a.JobName)
            .SelectMany(byJob => byJob.Where(a => a.Attempt == byJob.Max(x => x.Attempt)))
            .OrderBy(a => a.CreatedAt).ThenBy(a => a.Path, StringComparer.Ordinal);

        foreach (var artifact in latest)
        {
            await using var content = store.OpenRead(artifact.Sha256);
            if (content is null)
            {
                job.Warn($"artifacts: {artifact.Path} from job '{artifact.JobName}' is no longer stored; it was not placed");
                continue;
            }
            await using var target = files.TryCreate(artifact.Path, out var refusal, artifact.Executable);
            if (target is null)
            {
                job.Warn($"artifacts: {artifact.Path} from job '{artifact.JobName}' was not placed: {refusal}");
                continue;
            }
            await content.CopyToAsync(target, cancellationToken);
        }
    }
}
