using System.Net;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>Browsers on other origins (Gateway:Cors).</summary>
public sealed class CorsTests : AcceptanceTest
{
    private const string AllowedOrigin = "https://app.comet.test";

    private TestGateway GatewayAllowing(AcceptanceDownstream downstream) =>
        InMemoryGateway(
            GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)),
            new Dictionary<string, string?>
            {
                ["Gateway:Cors:AllowedOrigins:0"] = AllowedOrigin,
                ["Gateway:Cors:AllowedMethods:0"] = "GET",
                ["Gateway:Cors:AllowedMethods:1"] = "POST",
                ["Gateway:Cors:AllowedHeaders:0"] = "Content-Type",
                ["Gateway:Cors:AllowedHeaders:1"] = "Authorization",
                ["Gateway:Cors:ExposedHeaders:0"] = "X-Request-Id",
            });

    private static HttpRequestMessage Preflight(string origin, string method = "POST")
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/cards");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return request;
    }

    [Test]
    public async Task A_preflight_from_an_allowed_origin_is_answered_with_204_and_the_origin()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = GatewayAllowing(downstream);

        using var response = await gateway.Client.SendAsync(Preflight(AllowedOrigin));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(response.Header("Access-Control-Allow-Origin"), Is.EqualTo(AllowedOrigin));
        Assert.That(response.Header("Access-Control-Allow-Methods"), Does.Contain("POST"));
        Assert.That(response.Header("Access-Control-Allow-Headers"), Does.Contain("content-type").IgnoreCase);
        Assert.That(downstream.Count, Is.Zero, "the gateway answers the preflight itself");
    }

    [Test]
    public async Task A_preflight_from_another_origin_gets_no_allow_origin()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = GatewayAllowing(downstream);

        using var response = await gateway.Client.SendAsync(Preflight("https://evil.example"));

        Assert.That(response.Header("Access-Control-Allow-Origin"), Is.Null);
    }

    [Test]
    public async Task A_simple_request_from_an_allowed_origin_gets_the_allow_and_expose_headers()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = GatewayAllowing(downstream);

        using var allowed = await gateway.Client.SendAsync(Get("/api/cards", ("Origin", AllowedOrigin)));
        using var other = await gateway.Client.SendAsync(Get("/api/cards", ("Origin", "https://evil.example")));

        Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(allowed.Header("Access-Control-Allow-Origin"), Is.EqualTo(AllowedOrigin));
        Assert.That(allowed.Header("Access-Control-Expose-Headers"), Does.Contain("X-Request-Id").IgnoreCase);
        Assert.That(other.Header("Access-Control-Allow-Origin"), Is.Null);
    }

    [Test]
    public async Task Without_allowed_origins_no_cors_headers_are_sent()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)));

        using var response = await gateway.Client.SendAsync(Get("/api/cards", ("Origin", AllowedOrigin)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Header("Access-Control-Allow-Origin"), Is.Null);
    }
}
