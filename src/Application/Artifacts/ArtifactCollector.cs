using Comet.Application.Common.Interfaces;
using Comet.Application.Pipelines;
using Comet.Domain.Artifacts;
using Comet.Domain.Runs;
using Microsoft.Extensions.Options;

namespace Comet.Application.Artifacts;

/// <summary>
/// After a job's steps: keeps the files its <c>artifacts:</c> globs match (when its outcome calls for it) in the
/// content-addressed store, within the size limits. Anything refused or too big becomes a job warning; nothing
/// outside the workspace is read (the workspace file finder refuses links that leave it).
/// </summary>
public sealed class ArtifactCollector(
    ICometDbContext db,
    IArtifactStore store,
    IOptions<ArtifactOptions> options,
    TimeProvider clock)
{
    public async Task CollectAsync(Job job, PipelineRun run, ArtifactDefinition artifacts, IJobFiles files, bool succeeded,
        CancellationToken cancellationToken)
    {
        if (!artifacts.KeepsFor(succeeded) || artifacts.Paths.Count == 0) return;
        var limits = options.Value;
        var match = files.Find(artifacts.Paths, limits.MaxFilesPerJob);
        foreach (var warning in match.Warnings) job.Warn($"artifacts: {warning}");
        foreach (var glob in match.UnmatchedGlobs) job.Warn($"artifacts: no file matched '{glob}'");

        var now = clock.GetUtcNow().UtcDateTime;
        var expiresAt = now + (artifacts.ExpireIn ?? limits.DefaultExpiry);
        long kept = 0;
        var lastSave = clock.GetTimestamp();
        foreach (var file in match.Files)
        {
            if (file.RelativePath.Length > Artifact.MaxPathLength)
            {
                job.Warn($"artifacts: {file.RelativePath[..100]}… was not kept: its path has {file.RelativePath.Length} characters, more than the limit of {Artifact.MaxPathLength}");
                continue;
            }
            if (file.Size > limits.MaxFileBytes)
            {
                job.Warn($"artifacts: {file.RelativePath} was not kept: it has {Bytes(file.Size)}, more than the limit of {Bytes(limits.MaxFileBytes)} per file");
                continue;
            }
            if (kept + file.Size > limits.MaxJobBytes)
            {
                job.Warn($"artifacts: {file.RelativePath} was not kept: the job's artifacts would pass the limit of {Bytes(limits.MaxJobBytes)} per job");
                continue;
            }
            StoredContent? stored;
            try
            {
                await using var content = files.OpenRead(file);
                stored = await store.SaveAsync(content, Math.Min(limits.MaxFileBytes, limits.MaxJobBytes - kept), cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                job.Warn($"artifacts: {file.RelativePath} could not be read: {ex.Message}");
                continue;
            }
            if (stored is null)
            {
                job.Warn($"artifacts: {file.RelativePath} was not kept: it grew past the size limit while it was read");
                continue;
            }
            kept += stored.Size;
            db.Artifacts.Add(new Artifact(run.ProjectId, run.Id, job.Id, job.Name, job.Attempt, file.RelativePath, stored.Size,
                stored.Sha256, now, expiresAt) { Executable = file.Executable });
            // A stored file is safe from the sweep for Artifacts:OrphanGrace only until its row exists: with many big
            // files, write the rows as we go rather than all at the end.
            if (clock.GetElapsedTime(lastSave) > SaveEvery)
            {
                await db.SaveChangesAsync(cancellationToken);
                lastSave = clock.GetTimestamp();
            }
        }
    }

    private static readonly TimeSpan SaveEvery = TimeSpan.FromSeconds(30);

    internal static string Bytes(long bytes) => bytes switch
    {
        >= 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024 * 1024):0.#} GiB",
        >= 1024L * 1024 => $"{bytes / (1024.0 * 1024):0.#} MiB",
        >= 1024 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} bytes",
    };
}
