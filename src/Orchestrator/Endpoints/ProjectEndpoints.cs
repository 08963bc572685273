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
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        projects.MapGet("/", List).WithName("ListProjects").WithSummary("List projects by name, a page at a time.")
            .ProducesValidationProblem();
        projects.MapGet("/{slug}", Get).WithName("GetProject").WithSummary("Get one project.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        projects.MapPut("/{slug}", Update).WithName("UpdateProject")
            .WithSummary("Change a project's fields; fields left out keep their value, the slug never changes.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        projects.MapDelete("/{slug}", Delete).WithName("DeleteProject").WithSummary("Delete a project with all its runs.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

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
