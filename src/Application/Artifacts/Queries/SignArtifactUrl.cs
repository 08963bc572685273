using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Pipelines;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.Options;

namespace Comet.Application.Artifacts.Queries;

/// <summary>
/// A pre-signed download URL for one artifact, valid without a token until it expires (default one hour, at most
/// <see cref="ArtifactOptions.MaxUrlLifetime"/>, never past the artifact's own expiry). Anyone who may download the
/// artifact may share it this way, so it needs the same role as downloading.
/// </summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record SignArtifactUrlQuery(Guid RunId, Guid ArtifactId, string? ExpiresIn) : IRequest<SignedArtifactUrl>, IRunRequest;

/// <param name="PathAndQuery">Relative to the server's public address, e.g. /api/v1/artifacts/{id}/download?expires=…&amp;signature=….</param>
public sealed record SignedArtifactUrl(string PathAndQuery, DateTime ExpiresAt);

public sealed class SignArtifactUrlValidator : AbstractValidator<SignArtifactUrlQuery>
{
    public SignArtifactUrlValidator(IOptions<ArtifactOptions> options)
    {
        var max = options.Value.MaxUrlLifetime;
        RuleFor(q => q.ExpiresIn)
            .Must(text => text is null || DurationParser.TryParse(text, out var lifetime) && lifetime > TimeSpan.Zero && lifetime <= max)
            .WithMessage(q => $"expiresIn must be a duration such as 30s, 10m, 1h or 7d, at most {DurationParser.Format(max)}; '{q.ExpiresIn}' is not.");
    }
}

public sealed class SignArtifactUrlHandler(ICometDbContext db, ArtifactUrls urls, TimeProvider clock)
    : IRequestHandler<SignArtifactUrlQuery, SignedArtifactUrl>
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(1);

    public async Task<SignedArtifactUrl> Handle(SignArtifactUrlQuery request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var artifact = await ArtifactContent.FindLiveAsync(db, clock, request.ArtifactId, request.RunId, cancellationToken);
        var lifetime = request.ExpiresIn is not null && DurationParser.TryParse(request.ExpiresIn, out var asked) ? asked : DefaultLifetime;
        var expiresAt = now + lifetime;
        if (expiresAt > artifact.ExpiresAt) expiresAt = new DateTimeOffset(artifact.ExpiresAt, TimeSpan.Zero);
        // Whole seconds: what the URL carries.
        expiresAt = DateTimeOffset.FromUnixTimeSeconds(expiresAt.ToUnixTimeSeconds());
        return new SignedArtifactUrl($"{ArtifactUrls.DownloadPath(artifact.Id)}?{urls.Sign(artifact.Id, expiresAt)}", expiresAt.UtcDateTime);
    }
}
