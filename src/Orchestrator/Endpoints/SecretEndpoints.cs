using Comet.Application.Common.Models;
using Comet.Application.Secrets;
using Comet.Application.Secrets.Commands;
using Comet.Application.Secrets.Queries;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

/// <summary>
/// /api/v1/projects/{slug}/secrets and /api/v1/admin/secrets: write-only secrets. Values go in and are never returned;
/// lists show names, scopes and who changed what when.
/// </summary>
public static class SecretEndpoints
{
    public static void MapSecretEndpoints(this IEndpointRouteBuilder app)
    {
        var project = app.MapGroup("/api/v1/projects/{slug}/secrets").WithTags("Secrets")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        project.MapGet("/", ListProject).WithName("ListProjectSecrets")
            .WithSummary("The secrets this project's jobs may name (its own, its environments', the instance's), without values.")
            .WithDescription("Viewers may list. Where names clash, a job gets the narrowest: environment, then project, then instance. "
                + "page starts at 1, pageSize is 1–100 (default 20).")
            .ProducesValidationProblem();
        project.MapPut("/{name}", SetProject).WithName("SetProjectSecret")
            .WithSummary("Create or replace a secret {value, environment?, file?, allowForks?} (maintainers); the value is never returned.")
            .WithDescription("name is A-Z, 0-9 and _ (not starting with a digit), up to 128 characters; value is up to 64 KiB. "
                + "environment limits it to jobs with that environment. file: true gives it as a 0600 file whose path is the variable. "
                + "allowForks: true lets jobs of pull requests from forks use it (they fail asking for it otherwise).")
            .ProducesValidationProblem();
        project.MapDelete("/{name}", DeleteProject).WithName("DeleteProjectSecret")
            .WithSummary("Delete a project's secret, or an environment's with ?environment= (maintainers).");

        var instance = app.MapGroup("/api/v1/admin/secrets").WithTags("Secrets").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        instance.MapGet("/", ListInstance).WithName("ListInstanceSecrets")
            .WithSummary("The instance's secrets, without values (admins).").ProducesValidationProblem();
        instance.MapPut("/{name}", SetInstance).WithName("SetInstanceSecret")
            .WithSummary("Create or replace a secret every project's jobs may name {value, file?, allowForks?} (admins).")
            .ProducesValidationProblem();
        instance.MapDelete("/{name}", DeleteInstance).WithName("DeleteInstanceSecret")
            .WithSummary("Delete an instance secret (admins).").ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <param name="Value">Required; write-only.</param>
    public sealed record SecretBody(string? Value, string? Environment, bool? File, bool? AllowForks);

    private static async Task<Ok<PagedList<SecretDto>>> ListProject(string slug, IMediator mediator, CancellationToken ct,
        long page = 1, long pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListProjectSecretsQuery { Slug = slug, Page = page, PageSize = pageSize }, ct));

    private static async Task<Ok<SecretDto>> SetProject(string slug, string name, SecretBody body, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new SetProjectSecretCommand
        {
            Slug = slug, Name = name, Value = body.Value, Environment = body.Environment, File = body.File ?? false,
            AllowForks = body.AllowForks ?? false,
        }, ct));

    private static async Task<NoContent> DeleteProject(string slug, string name, IMediator mediator, CancellationToken ct, string? environment = null)
    {
        await mediator.Send(new DeleteProjectSecretCommand { Slug = slug, Name = name, Environment = environment }, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<PagedList<SecretDto>>> ListInstance(IMediator mediator, CancellationToken ct,
        long page = 1, long pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListInstanceSecretsQuery { Page = page, PageSize = pageSize }, ct));

    private static async Task<Ok<SecretDto>> SetInstance(string name, SecretBody body, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new SetInstanceSecretCommand
        {
            Name = name, Value = body.Value, File = body.File ?? false, AllowForks = body.AllowForks ?? false,
        }, ct));

    private static async Task<NoContent> DeleteInstance(string name, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new DeleteInstanceSecretCommand(name), ct);
        return TypedResults.NoContent();
    }
}
