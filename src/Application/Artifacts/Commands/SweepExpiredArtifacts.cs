using Comet.Application.Common.Interfaces;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comet.Application.Artifacts.Commands;

/// <summary>
/// Removes artifacts past their expiry, then the stored contents no artifact refers to any more (those of deleted
/// runs and projects too). Sent by the background sweep; it has no endpoint.
/// </summary>
public sealed record SweepExpiredArtifactsCommand : IRequest<SweepResult>;

public sealed record SweepResult(int ArtifactsRemoved, int ContentsRemoved);

public sealed class SweepExpiredArtifactsHandler(ICometDbContext db, IArtifactStore store, IOptions<ArtifactOptions> options, TimeProvider clock)
    : IRequestHandler<SweepExpiredArtifactsCommand, SweepResult>
{
    public async Task<SweepResult> Handle(SweepExpiredArtifactsCommand request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var removed = await db.Artifacts.Where(a => a.ExpiresAt <= now).ExecuteDeleteAsync(cancellationToken);

        // Read the stored list before the references: content saved after this moment is young and left alone anyway.
        var oldEnough = now - options.Value.OrphanGrace;
        var stored = store.List().Where(s => s.LastWrittenUtc <= oldEnough).Select(s => s.Sha256).ToList();
        if (stored.Count == 0) return new SweepResult(removed, 0);
        var referenced = (await db.Artifacts.AsNoTracking().Select(a => a.Sha256).Distinct().ToListAsync(cancellationToken)).ToHashSet();
        var contents = 0;
        foreach (var sha in stored.Where(s => !referenced.Contains(s)))
        {
            store.Delete(sha);
            contents++;
        }
        return new SweepResult(removed, contents);
    }
}
