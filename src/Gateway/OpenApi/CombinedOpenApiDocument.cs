using System.Text.Json.Nodes;
using Comet.Gateway.Configuration;
using Comet.Gateway.Forwarding;
using Comet.Hosting.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.Swagger;

namespace Comet.Gateway.OpenApi;

/// <summary>
/// The one OpenAPI document the gateway shows at /swagger: the orchestrator's API (read from the orchestrator each
/// time, so it is never stale) with the gateway's own endpoints added.
/// </summary>
public sealed class CombinedOpenApiDocument(
    ISwaggerProvider gatewayDocuments,
    DownstreamConnections clients,
    IOptions<GatewayOptions> gateway,
    IOptions<CometOptions> comet,
    ILogger<CombinedOpenApiDocument> logger)
{
    public const string GatewayDocumentName = "gateway";
    public const string Path = "/swagger/v1/swagger.json";

    public async Task<string> BuildAsync(CancellationToken cancellationToken)
    {
        var orchestrator = await FetchOrchestratorDocumentAsync(cancellationToken);
        var own = await SerializeOwnAsync(orchestrator?["openapi"]?.GetValue<string>(), cancellationToken);
        if (orchestrator is null) return own.ToJsonString();

        MergeObject(orchestrator, own, "paths");
        var components = orchestrator["components"] as JsonObject ?? (JsonObject)(orchestrator["components"] = new JsonObject());
        if (own["components"] is JsonObject ownComponents)
            foreach (var (kind, _) in ownComponents.ToList())
                MergeObject(components, ownComponents, kind);
        if (own["tags"] is JsonArray ownTags)
        {
            var tags = orchestrator["tags"] as JsonArray ?? (JsonArray)(orchestrator["tags"] = new JsonArray());
            foreach (var tag in ownTags.ToList()) tags.Add(tag?.DeepClone());
        }
        return orchestrator.ToJsonString();
    }

    /// <summary>Copies the entries of <paramref name="from"/>[name] into <paramref name="into"/>[name]; the orchestrator's win on a clash.</summary>
    private static void MergeObject(JsonObject into, JsonObject from, string name)
    {
        if (from[name] is not JsonObject source) return;
        var target = into[name] as JsonObject ?? (JsonObject)(into[name] = new JsonObject());
        foreach (var (key, value) in source.ToList())
            if (!target.ContainsKey(key)) target[key] = value?.DeepClone();
    }

    private async Task<JsonObject?> FetchOrchestratorDocumentAsync(CancellationToken cancellationToken)
    {
        var baseUrl = RouteTableProvider.OrchestratorUrl(gateway.Value, comet.Value);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, Path));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            using var response = await clients.For(baseUrl.Scheme, baseUrl.Host, baseUrl.Port).SendAsync(request, timeout.Token);
            response.EnsureSuccessStatusCode();
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(timeout.Token)) as JsonObject;
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning(ex, "The orchestrator's API description could not be read from {Url}; showing the gateway's own only", baseUrl);
            return null;
        }
    }

    private async Task<JsonObject> SerializeOwnAsync(string? orchestratorVersion, CancellationToken cancellationToken)
    {
        var document = gatewayDocuments.GetSwagger(GatewayDocumentName);
        var version = orchestratorVersion?.StartsWith("3.1", StringComparison.Ordinal) == true ? OpenApiSpecVersion.OpenApi3_1 : OpenApiSpecVersion.OpenApi3_0;
        var json = await document.SerializeAsJsonAsync(version, cancellationToken);
        return (JsonObject)JsonNode.Parse(json)!;
    }
}
