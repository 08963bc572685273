using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>
/// An example body for an operation's documentation, put on the endpoint with <see cref="OpenApiExamples.WithRequestExample{TBuilder}"/>
/// or <see cref="OpenApiExamples.WithResponseExample{TBuilder}"/>. <see cref="Status"/> null means the request body.
/// A string <see cref="Body"/> is shown as it is (YAML, a log); anything else as JSON.
/// </summary>
public sealed record ApiExample(string Name, object Body, int? Status, string ContentType);

public static class OpenApiExamples
{
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, object body, string name = "example",
        string contentType = "application/json") where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiExample(name, body, null, contentType));

    public static TBuilder WithResponseExample<TBuilder>(this TBuilder builder, int status, object body, string name = "example",
        string contentType = "application/json") where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ApiExample(name, body, status, contentType));
}

/// <summary>
/// Puts the <see cref="ApiExample"/>s into the document: one example per media type is its "example", several are its
/// named "examples". An endpoint that reads its body itself (lint, webhooks) has no request body in the description;
/// its examples make one, so Swagger UI's "Try it out" has a body to send.
/// </summary>
public sealed class ExamplesOperationFilter : IOperationFilter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var examples = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<ApiExample>().ToList();
        foreach (var target in examples.GroupBy(e => (e.Status, e.ContentType)))
        {
            var media = target.Key.Status is { } status ? ResponseMedia(operation, status, target.Key.ContentType) : RequestMedia(operation, target.Key.ContentType);
            if (target.Count() == 1)
            {
                media.Example = Node(target.Single().Body);
                continue;
            }
            media.Examples = target.ToDictionary(e => e.Name, e => (IOpenApiExample)new OpenApiExample { Summary = e.Name, Value = Node(e.Body) });
        }
    }

    private static OpenApiMediaType RequestMedia(OpenApiOperation operation, string contentType)
    {
        var body = operation.RequestBody as OpenApiRequestBody;
        if (body is null)
        {
            body = new OpenApiRequestBody { Required = true, Content = new Dictionary<string, OpenApiMediaType>() };
            operation.RequestBody = body;
        }
        body.Content ??= new Dictionary<string, OpenApiMediaType>();
        return MediaIn(body.Content, contentType);
    }

    private static OpenApiMediaType ResponseMedia(OpenApiOperation operation, int status, string contentType)
    {
        operation.Responses ??= new OpenApiResponses();
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!operation.Responses.TryGetValue(key, out var found) || found is not OpenApiResponse response)
        {
            response = new OpenApiResponse { Description = ReasonPhrases(status) };
            operation.Responses[key] = response;
        }
        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        return MediaIn(response.Content, contentType);
    }

    private static OpenApiMediaType MediaIn(IDictionary<string, OpenApiMediaType> content, string contentType)
    {
        if (!content.TryGetValue(contentType, out var media))
        {
            media = new OpenApiMediaType
            {
                Schema = new OpenApiSchema { Type = contentType.Contains("json", StringComparison.Ordinal) ? JsonSchemaType.Object : JsonSchemaType.String },
            };
            content[contentType] = media;
        }
        return media;
    }

    private static JsonNode? Node(object body) =>
        body is string text ? JsonValue.Create(text) : JsonSerializer.SerializeToNode(body, body.GetType(), Json);

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}

/// <summary>
/// The bearer scheme and where it applies. Everything under /api/ needs a token (the use cases check who is asking),
/// except what an endpoint explicitly opens (a pre-signed artifact download); sign-in, refresh, the keys, webhooks and
/// health stand outside /api/ and need none. Swagger UI then shows the Authorize button and sends the token with
/// "Try it out" on exactly the operations that need it.
/// </summary>
public sealed class BearerSecurityFilter : IOperationFilter
{
    public const string SchemeName = "bearer";

    public static readonly OpenApiSecurityScheme Scheme = new()
    {
        Type = SecuritySchemeType.Http,
        Scheme = "bearer",
        BearerFormat = "JWT or cpat_…",
        Description = "A JWT access token from POST /auth/login (15 minutes; renew with POST /auth/refresh) or a personal access "
            + "token (cpat_…) from POST /api/v1/me/tokens. Paste the token alone, without \"Bearer \".",
    };

    public static bool NeedsToken(string? relativePath, IEnumerable<object> metadata) =>
        relativePath is not null
        && relativePath.TrimStart('/').StartsWith("api/", StringComparison.OrdinalIgnoreCase)
        && !metadata.OfType<IAllowAnonymous>().Any();

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!NeedsToken(context.ApiDescription.RelativePath, context.ApiDescription.ActionDescriptor.EndpointMetadata)) return;
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
        operation.Responses ??= new OpenApiResponses();
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No token, or a token that is expired, revoked or not Comet's." });
    }
}
