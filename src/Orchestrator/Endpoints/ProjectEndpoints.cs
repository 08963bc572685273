using Comet.Orchestrator.Infrastructure;
using Comet.Application.Common.Models;
using Comet.Application.Projects;
using Comet.Application.Projects.Commands;
using Comet.Application.Projects.Queries;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

/// <summary>/api/v1/projects: bind, send through MediatR, map to HTTP. No rules here.</summary>
public static class ProjectEndpoints
{
    public static void MapProjectEndpoints(this IEndpointRouteBuilder app)
    {
        var projects = app.MapGroup("/api/v1/projects").WithTags("Projects")
            .ProducesProblem(StatusCodes.Status500InternalServerError);

        projects.MapPost("/", Create).WithName("CreateProject")
            .WithSummary("Create a project; the answer holds its webhook secret, shown this once.")
            .WithDescription("name and repoUrl are required. The name gives the slug (\"Shop API\" → shop-api) that every other URL uses. "
                + "defaultBranch defaults to main, forge is guessed from the URL (github, gitlab, gitea, generic), pipelineFile defaults "
                + "to .comet.yml. Keep webhookSecret: the forge's webhook must be configured with it, and it is never shown again. "
                + "The caller becomes the project's owner. 409 when the name or its slug is taken.")
            .WithRequestExample(ApiExamples.CreateProject).WithResponseExample(StatusCodes.Status201Created, ApiExamples.CreatedProject)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        projects.MapGet("/", List).WithName("ListProjects").WithSummary("List projects by name, a page at a time.")
            .WithDescription("The projects the caller can see (admins: all), by name. page starts at 1 (at most 1000000), pageSize is 1–100 "
                + "(default 20); a page past the last is empty, a value out of range is 400.")
            .WithResponseExample(StatusCodes.Status200OK, ApiExamples.ProjectPage)
            .ProducesValidationProblem();
        projects.MapGet("/{slug}", Get).WithName("GetProject").WithSummary("Get one project.")
            .WithDescription("The project by its slug. A project the caller may not see is 404, like one that does not exist.")
            .WithResponseExample(StatusCodes.Status200OK, ApiExamples.Project)
            .ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapPut("/{slug}", Update).WithName("UpdateProject")
            .WithSummary("Change a project's fields; fields left out keep their value, the slug never changes.")
            .WithDescription("Maintainers and owners. Send only the fields to change; the same rules as at creation apply to each.")
            .WithRequestExample(ApiExamples.UpdateProject).WithResponseExample(StatusCodes.Status200OK, ApiExamples.Project)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        projects.MapDelete("/{slug}", Delete).WithName("DeleteProject").WithSummary("Delete a project with all its runs.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapPost("/{slug}/webhook-secret", ReplaceWebhookSecret).WithName("ReplaceWebhookSecret")
            .WithSummary("Make a new webhook secret for the project, shown this once; the old one stops working at once.")
            .WithDescription("Maintainers and owners. For a secret that was lost or leaked: put the new one in the forge's webhook settings. "
                + "Deliveries signed with the old secret are refused (401) from now on. Audited as webhook_secret_replaced.")
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<WebhookSecretDto>> ReplaceWebhookSecret(string slug, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ReplaceWebhookSecretCommand(slug), ct));

    private static async Task<Created<CreatedProjectDto>> Create(CreateProjectCommand command, IMediator mediator, CancellationToken ct)
    {
        var created = await mediator.Send(command, ct);
        return TypedResults.Created($"/api/v1/projects/{created.Slug}", created);
    }

    private static async Task<Ok<PagedList<ProjectDto>>> List(IMediator mediator, CancellationToken ct, long page = 1, long pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListProjectsQuery { Page = page, PageSize = pageSize }, ct));

    private static async Task<Ok<ProjectDto>> Get(string slug, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetProjectQuery(slug), ct));

    private static async Task<Ok<ProjectDto>> Update(string slug, UpdateProjectCommand command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(command with { Slug = slug }, ct));

    private static async Task<NoContent> Delete(string slug, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new DeleteProjectCommand(slug), ct);
        return TypedResults.NoContent();
    }
}
