using Comet.Application.Artifacts;
using Comet.Application.Common.Interfaces;
using Comet.Application.Artifacts.Queries;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Comet.Orchestrator.Endpoints;

/// <summary>Artifacts: list a run's, download with a token, or share a pre-signed URL that needs none until it expires.</summary>
public static class ArtifactEndpoints
{
    public sealed record SignUrlBody(string? ExpiresIn);

    public sealed record SignedUrl(string Url, DateTime ExpiresAt);

    public static void MapArtifactEndpoints(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/v1/runs/{id:guid}/artifacts").WithTags("Artifacts");
        runs.MapGet("/", List).WithName("ListRunArtifacts").WithSummary("The files a run's jobs kept, with size, SHA-256 and expiry.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{artifactId:guid}", Download).WithName("DownloadArtifact").WithSummary("One artifact's bytes.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapPost("/{artifactId:guid}/url", SignUrl).WithName("SignArtifactUrl")
            .WithSummary("A download URL valid without a token until it expires (expiresIn: 30s, 10m, 1h, 7d; default 1h).")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/api/v1/artifacts/{artifactId:guid}/download", DownloadSigned).WithTags("Artifacts").WithName("DownloadSignedArtifact")
            .WithSummary("An artifact's bytes through a pre-signed URL; 403 when the signature was changed or has expired.")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .AllowAnonymous();
    }

    private static async Task<Ok<ArtifactList>> List(Guid id, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ListRunArtifactsQuery(id), ct));

    private static async Task<FileStreamHttpResult> Download(Guid id, Guid artifactId, IMediator mediator, CancellationToken ct) =>
        File(await mediator.Send(new DownloadArtifactQuery(id, artifactId), ct));

    private static async Task<FileStreamHttpResult> DownloadSigned(Guid artifactId, IMediator mediator, CancellationToken ct,
        long expires = 0, string? signature = null) =>
        File(await mediator.Send(new DownloadSignedArtifactQuery(artifactId, expires, signature), ct));

    private static async Task<Ok<SignedUrl>> SignUrl(Guid id, Guid artifactId, SignUrlBody? body, IPublicAddress publicAddress,
        IMediator mediator, CancellationToken ct)
    {
        var signed = await mediator.Send(new SignArtifactUrlQuery(id, artifactId, body?.ExpiresIn), ct);
        return TypedResults.Ok(new SignedUrl(publicAddress.Link(signed.PathAndQuery), signed.ExpiresAt));
    }

    private static FileStreamHttpResult File(ArtifactDownload download) =>
        TypedResults.File(download.Content, "application/octet-stream", download.FileName,
            entityTag: new EntityTagHeaderValue($"\"{download.Sha256}\""), enableRangeProcessing: true);
}
