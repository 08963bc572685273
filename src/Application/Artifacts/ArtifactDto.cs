using Comet.Domain.Artifacts;

namespace Comet.Application.Artifacts;

public sealed record ArtifactDto(Guid Id, Guid JobId, string JobName, int Attempt, string Path, long Size, string Sha256,
    DateTime CreatedAt, DateTime ExpiresAt)
{
    public static ArtifactDto Of(Artifact a) => new(a.Id, a.JobId, a.JobName, a.Attempt, a.Path, a.Size, a.Sha256, a.CreatedAt, a.ExpiresAt);
}

public sealed record ArtifactList(IReadOnlyList<ArtifactDto> Items);

/// <summary>An artifact's bytes to send: the caller disposes <see cref="Content"/>.</summary>
public sealed record ArtifactDownload(string FileName, long Size, string Sha256, Stream Content);
