using Comet.Application.Runs;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Projects;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Artifacts.Queries;

/// <summary>The artifacts a run's jobs kept and that have not expired, by job and path.</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record ListRunArtifactsQuery(Guid RunId) : IRequest<ArtifactList>, IRunRequest;

public sealed class ListRunArtifactsHandler(ICometDbContext db, TimeProvider clock) : IRequestHandler<ListRunArtifactsQuery, ArtifactList>
{
    public async Task<ArtifactList> Handle(ListRunArtifactsQuery request, CancellationToken cancellationToken)
    {
        await db.EnsureRunExistsAsync(request.RunId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var artifacts = await db.Artifacts.AsNoTracking()
            .Where(a => a.RunId == request.RunId && a.ExpiresAt > now)
            .ToListAsync(cancellationToken);
        return new ArtifactList(artifacts
            .OrderBy(a => a.JobName, StringComparer.Ordinal).ThenBy(a => a.Attempt).ThenBy(a => a.Path, StringComparer.Ordinal)
            .Select(ArtifactDto.Of).ToList());
    }
}
