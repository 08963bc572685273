using System.Text.Json;
using Comet.Application.Pipelines;
using Comet.Application.Pipelines.Queries;
using Comet.Orchestrator.Infrastructure;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Comet.Orchestrator.Endpoints;

public static class PipelineEndpoints
{
    /// <summary>Bodies read as the pipeline file itself. The last two are what curl --data-binary and many clients send by default.</summary>
    public static readonly string[] YamlContentTypes =
        ["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain", "application/octet-stream", "application/x-www-form-urlencoded"];

    public const string JsonContentType = "application/json";

    /// <summary>The JSON form of the lint body, for clients that only send JSON.</summary>
    public sealed record LintBody(string? Content);

    private const string ExampleYaml = "jobs:\n  build:\n    steps:\n      - run: dotnet build\n  test:\n    needs: [build]\n    stepz:\n      - run: dotnet test\n";

    public static void MapPipelineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/lint", Lint).WithTags("Pipelines").WithName("LintPipeline")
            .WithSummary("Check a pipeline file: every error and warning with line and column.")
            .WithDescription("The body is the pipeline file (.comet.yml) as it is, sent as " + string.Join(", ", YamlContentTypes)
                + " or with no content type — so `curl --data-binary @.comet.yml` works — or as JSON {\"content\": \"<the file>\"}. "
                + "Nothing runs. `valid` is false when there is at least one error; warnings never make a file invalid. "
                + "Any other content type is 415, naming the accepted ones.")
            .WithRequestExample(ExampleYaml, contentType: "application/yaml")
            .WithRequestExample(new LintBody(ExampleYaml), contentType: JsonContentType)
            .WithResponseExample(StatusCodes.Status200OK, new LintResult(false,
                [new PipelineDiagnostic(DiagnosticSeverity.Error, 7, 5, "Unknown key 'stepz' in job 'test'. Did you mean 'steps'?")], []))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
    }

    private static async Task<Results<Ok<LintResult>, ProblemHttpResult>> Lint(HttpRequest request, IMediator mediator, IOptions<PipelineOptions> limits,
        CancellationToken ct)
    {
        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed.MediaType.Value : null;
        var isJson = string.Equals(mediaType, JsonContentType, StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(request.ContentType) && !isJson && !YamlContentTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase))
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: $"The lint body cannot be '{request.ContentType}'. Send the pipeline file as {string.Join(", ", YamlContentTypes)} "
                    + $"(or with no content type), or as {JsonContentType} {{\"content\": \"<the file>\"}}.");

        // The file limit is the body limit: a bigger body could only be refused after being read. (JSON escaping makes
        // the body a little longer than the file; the parser still measures the file itself.)
        var text = await BodyReader.ReadTextAsync(request, limits.Value.MaxFileBytes, ct);
        var yaml = isJson ? ContentOf(text) : text;
        return TypedResults.Ok(await mediator.Send(new LintPipelineQuery(yaml), ct));
    }

    private static string ContentOf(string json)
    {
        try
        {
            var body = JsonSerializer.Deserialize<LintBody>(json, JsonSerializerOptions.Web);
            return body?.Content ?? throw new BadHttpRequestException("The JSON body must be {\"content\": \"<the pipeline file>\"}; 'content' is missing.");
        }
        catch (JsonException ex)
        {
            throw new BadHttpRequestException($"The JSON body is not valid JSON: {ex.Message}", ex);
        }
    }
}
