using Comet.Application.Pipelines;
using Comet.Application.Pipelines.Queries;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

public static class PipelineEndpoints
{
    private const int MaxPipelineFileBytes = 1024 * 1024;

    public static void MapPipelineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/lint", Lint).WithTags("Pipelines").WithName("LintPipeline")
            .WithSummary("Check a pipeline file (the request body, as YAML): every error and warning with line and column.")
            .Accepts<string>("application/yaml", "text/yaml", "text/plain")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }

    private static async Task<Ok<LintResult>> Lint(HttpRequest request, IMediator mediator, CancellationToken ct)
    {
        var yaml = await BodyReader.ReadTextAsync(request, MaxPipelineFileBytes, ct);
        return TypedResults.Ok(await mediator.Send(new LintPipelineQuery(yaml), ct));
    }
}
