using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Artifacts;
using Comet.Domain.Projects;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Artifacts.Queries;

/// <summary>One artifact's bytes, for a signed-in user who may see the run.</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record DownloadArtifactQuery(Guid RunId, Guid ArtifactId) : IRequest<ArtifactDownload>, IRunRequest;

public sealed class DownloadArtifactHandler(ICometDbContext db, IArtifactStore store, TimeProvider clock)
    : IRequestHandler<DownloadArtifactQuery, ArtifactDownload>
{
    public Task<ArtifactDownload> Handle(DownloadArtifactQuery request, CancellationToken cancellationToken) =>
        ArtifactContent.OpenAsync(db, store, clock, request.ArtifactId, request.RunId, cancellationToken);
}

/// <summary>Finding an artifact that has not expired and opening its stored bytes; the same for both ways of downloading.</summary>
internal static class ArtifactContent
{
    /// <summary>The artifact, when it exists, has not expired and (when <paramref name="runId"/> is given) belongs to that run.</summary>
    public static async Task<Artifact> FindLiveAsync(ICometDbContext db, TimeProvider clock, Guid artifactId, Guid? runId,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return await db.Artifacts.AsNoTracking()
            .FirstOrDefaultAsync(a => a.Id == artifactId && (runId == null || a.RunId == runId) && a.ExpiresAt > now, cancellationToken)
            ?? throw new NotFoundException("artifact", artifactId.ToString());
    }

    public static async Task<ArtifactDownload> OpenAsync(ICometDbContext db, IArtifactStore store, TimeProvider clock, Guid artifactId,
        Guid? runId, CancellationToken cancellationToken)
    {
        var artifact = await FindLiveAsync(db, clock, artifactId, runId, cancellationToken);
        var content = store.OpenRead(artifact.Sha256) ?? throw new NotFoundException("artifact", artifactId.ToString());
        return new ArtifactDownload(Path.GetFileName(artifact.Path), artifact.Size, artifact.Sha256, content);
    }
}
