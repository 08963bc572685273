using Comet.Application.ForgeStatus;
using Comet.Application.ForgeStatus.Commands;
using Comet.Application.ForgeStatus.Queries;
using Comet.Orchestrator.Infrastructure;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

/// <summary>/api/v1/projects/{slug}/forge-status: commit statuses back to the forge. Bind, send, map.</summary>
public static class ForgeStatusEndpoints
{
    public static void MapForgeStatusEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/projects/{slug}/forge-status").WithTags("Forge status")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("", Get).WithName("GetForgeStatus")
            .WithSummary("How the project reports runs to its forge, and what stops statuses from getting through (problem).")
            .WithDescription("Viewers and up. problem names the latest status the forge refused for its token (401, 403, 404) until a "
                + "later one is delivered, e.g. \"status token rejected (401 from https://api.github.com at 2026-11-23T09:30:04Z)\". "
                + "404 when the project has no setting.")
            .WithResponseExample(StatusCodes.Status200OK, Examples.Setting);
        group.MapPut("", Set).WithName("SetForgeStatus")
            .WithSummary("Report runs (and with perJob, each job) to the forge as commit statuses.")
            .WithDescription("Maintainers and owners; audited. tokenSecret names a project (or instance) secret holding the forge token; "
                + "it is read when each status is sent and never stored with the status or shown. apiUrl defaults to "
                + "https://api.github.com (GitHub) or https://gitlab.com/api/v4 (GitLab); Gitea needs it. Outbound calls refuse "
                + "loopback, link-local and private addresses unless Outbound:AllowPrivateAddresses=true. repository (owner/repo) "
                + "defaults to the path of the project's repoUrl. Each run gets the context comet (each job comet/<job>): pending "
                + "when made, running, then its result; runs without a commit sha get none.")
            .WithRequestExample(Examples.Set).WithResponseExample(StatusCodes.Status200OK, Examples.Setting)
            .ProducesValidationProblem();
    }

    private static async Task<Ok<ForgeStatusDto>> Get(string slug, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetForgeStatusQuery(slug), ct));

    private static async Task<Ok<ForgeStatusDto>> Set(string slug, SetForgeStatusCommand? body, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send((body ?? new SetForgeStatusCommand()) with { Slug = slug }, ct));

    private static class Examples
    {
        public static readonly object Set = new { tokenSecret = "GITHUB_STATUS_TOKEN", perJob = true };

        public static readonly object Setting = new
        {
            forge = "github", apiUrl = "https://api.github.com", tokenSecret = "GITHUB_STATUS_TOKEN", perJob = true, repository = "acme/shop-api",
            updatedBy = "alice", updatedAt = new DateTime(2026, 11, 23, 9, 30, 0, DateTimeKind.Utc), problem = (string?)null,
        };
    }
}
