using Comet.Application.Pipelines;
using Comet.Application.Pipelines.Queries;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Endpoints;

public static class PipelineEndpoints
{
    public static void MapPipelineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/lint", Lint).WithTags("Pipelines").WithName("LintPipeline")
            .WithSummary("Check a pipeline file (the request body, as YAML): every error and warning with line and column.")
            .Accepts<string>("application/yaml", "text/yaml", "text/plain")
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }

    private static async Task<Ok<LintResult>> Lint(HttpRequest request, IMediator mediator, IOptions<PipelineOptions> limits, CancellationToken ct)
    {
        // The file limit is the body limit: a bigger body could only be refused after being read.
        var yaml = await BodyReader.ReadTextAsync(request, limits.Value.MaxFileBytes, ct);
        return TypedResults.Ok(await mediator.Send(new LintPipelineQuery(yaml), ct));
    }
}
