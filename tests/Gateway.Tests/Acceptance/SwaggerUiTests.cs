using System.Net;
using Comet.Hosting;
using Comet.TestSupport;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>The gateway's Swagger UI answers at /swagger itself (no redirect), under the shared Content-Security-Policy.</summary>
public sealed class SwaggerUiTests : AcceptanceTest
{
    [TestCase("/swagger")]
    [TestCase("/swagger/")]
    [TestCase("/swagger/index.html")]
    public async Task Swagger_ui_answers_200_html_with_the_content_security_policy(string path)
    {
        var gateway = InMemoryGateway(GatewayConfig.With(Route.ToClosedPort("/api/{everything}", "/{everything}", FreePort.Next())));

        using var response = await gateway.Client.GetAsync(path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), "no redirect");
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/html"));
        Assert.That(response.Headers.TryGetValues("Content-Security-Policy", out var csp), Is.True);
        Assert.That(csp!.Single(), Is.EqualTo(ContentSecurityPolicy.Default));
        var page = await response.Content.ReadAsStringAsync();
        Assert.That(page, Does.Contain("<base href=\"/swagger/\">"));
    }

    [Test]
    public async Task The_pages_scripts_load_from_under_swagger()
    {
        var gateway = InMemoryGateway(GatewayConfig.With(Route.ToClosedPort("/api/{everything}", "/{everything}", FreePort.Next())));

        foreach (var script in new[] { "/swagger/index.js", "/swagger/swagger-ui-bundle.js", "/swagger/index.css" })
        {
            using var response = await gateway.Client.GetAsync(script);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), script);
        }
    }
}
