using System.Net;
using System.Text.Json;
using Comet.TestSupport;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>The gateway's own pages next to the routes: the combined API description and Swagger UI.</summary>
public sealed class GatewayEndpointTests : AcceptanceTest
{
    [Test]
    public async Task The_api_description_combines_the_orchestrators_paths_with_the_gateways_own()
    {
        var orchestrator = await StartDownstreamAsync("orchestrator");
        var gateway = InMemoryGateway(
            GatewayConfig.With(new Route { UpstreamPathTemplate = "/api/{everything}", DownstreamPathTemplate = "/api/{everything}", ServiceName = "orchestrator" }),
            orchestrator: orchestrator.BaseAddress);

        using var response = await gateway.Client.GetAsync("/swagger/v1/swagger.json");

        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        var paths = JsonDocument.Parse(body).RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(paths, Does.Contain("/api/v1/projects"), "the orchestrator's paths");
        Assert.That(paths, Does.Contain("/metrics"), "the gateway's own paths");
        Assert.That(orchestrator.RequestsTo("/swagger/v1/swagger.json"), Is.Not.Empty, "read from the orchestrator");
    }

    [Test]
    public async Task Swagger_ui_is_served_by_the_gateway()
    {
        var gateway = InMemoryGateway(GatewayConfig.With(Route.ToClosedPort("/api/{everything}", "/{everything}", FreePort.Next())));

        using var response = await gateway.Client.GetAsync("/swagger");
        using var page = response.StatusCode is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect
            ? await gateway.Client.GetAsync(new Uri(gateway.Client.BaseAddress!, response.Headers.Location!))
            : null;

        var ui = page ?? response;
        Assert.That(ui.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(ui.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(await ui.Content.ReadAsStringAsync(), Does.Contain("swagger").IgnoreCase);
    }
}
