using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using MediatR;

namespace Comet.Application.Artifacts.Queries;

/// <summary>
/// An artifact's bytes for whoever holds a pre-signed URL: no token, the signature is the permission. A changed or
/// expired signature is refused (403) before anything about the artifact is looked up.
/// </summary>
public sealed record DownloadSignedArtifactQuery(Guid ArtifactId, long Expires, string? Signature) : IRequest<ArtifactDownload>;

public sealed class DownloadSignedArtifactHandler(ICometDbContext db, IArtifactStore store, ArtifactUrls urls, TimeProvider clock)
    : IRequestHandler<DownloadSignedArtifactQuery, ArtifactDownload>
{
    public Task<ArtifactDownload> Handle(DownloadSignedArtifactQuery request, CancellationToken cancellationToken)
    {
        if (urls.Refusal(request.ArtifactId, request.Expires, request.Signature) is { } refusal)
            throw new ForbiddenException($"This download link is not valid: {refusal}.");
        return ArtifactContent.OpenAsync(db, store, clock, request.ArtifactId, runId: null, cancellationToken);
    }
}
