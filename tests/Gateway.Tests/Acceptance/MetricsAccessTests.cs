using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Comet.TestSupport;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>/metrics is not public: Comet:Metrics:AllowedScrapers says who may read it, Comet:Metrics:ScrapeToken what they must show.</summary>
public sealed class MetricsAccessTests : AcceptanceTest
{
    private const string Token = "scrape-token-0123456789abcdef";

    private static async Task<(HttpStatusCode Status, string? MediaType, string Body, HttpResponseHeaders Headers)> ScrapeAsync(
        HttpClient client, string? bearer = null, string? forwardedFor = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (forwardedFor is not null) request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(), response.Headers);
    }

    private static void AssertProblem((HttpStatusCode Status, string? MediaType, string Body, HttpResponseHeaders Headers) answer,
        HttpStatusCode status, string detailPart)
    {
        Assert.That(answer.Status, Is.EqualTo(status), answer.Body);
        Assert.That(answer.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonDocument.Parse(answer.Body).RootElement;
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)status));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(detailPart));
        Assert.That(answer.Body, Does.Not.Contain("comet_gateway"), "no metric leaks into a refusal");
    }

    [Test]
    public async Task By_default_only_this_machine_may_scrape_and_others_get_403_problem()
    {
        var gateway = InMemoryGateway(GatewayConfig.With());

        var answer = await ScrapeAsync(gateway.Client);

        AssertProblem(answer, HttpStatusCode.Forbidden, "Comet:Metrics:AllowedScrapers");
        Assert.That(answer.Body, Does.Contain(GatewayFactory.RemoteAddress.ToString()), "the refusal names the address it saw");
    }

    [Test]
    public async Task An_allowed_network_gets_the_metrics_as_prometheus_text()
    {
        var gateway = InMemoryGateway(GatewayConfig.With(), new Dictionary<string, string?> { ["Comet:Metrics:AllowedScrapers:0"] = "192.0.2.0/24" });

        var answer = await ScrapeAsync(gateway.Client);

        Assert.That(answer.Status, Is.EqualTo(HttpStatusCode.OK), answer.Body);
        Assert.That(answer.MediaType, Is.EqualTo("text/plain"));
        Assert.That(answer.Body, Does.Contain("# TYPE target_info gauge"));
    }

    [Test]
    public async Task A_forged_forwarded_for_from_an_untrusted_client_does_not_make_it_local()
    {
        var gateway = InMemoryGateway(GatewayConfig.With());

        var answer = await ScrapeAsync(gateway.Client, forwardedFor: "127.0.0.1");

        AssertProblem(answer, HttpStatusCode.Forbidden, "AllowedScrapers");
    }

    [Test]
    public async Task With_a_scrape_token_only_its_bearer_gets_the_metrics()
    {
        var gateway = InMemoryGateway(GatewayConfig.With(), new Dictionary<string, string?>
        {
            ["Comet:Metrics:AllowedScrapers:0"] = GatewayFactory.RemoteAddress.ToString(),
            ["Comet:Metrics:ScrapeToken"] = Token,
        });

        var none = await ScrapeAsync(gateway.Client);
        var wrong = await ScrapeAsync(gateway.Client, bearer: Token + "x");
        var right = await ScrapeAsync(gateway.Client, bearer: Token);

        AssertProblem(none, HttpStatusCode.Unauthorized, "Comet:Metrics:ScrapeToken");
        Assert.That(none.Headers.WwwAuthenticate.Select(h => h.Scheme), Is.EqualTo(new[] { "Bearer" }));
        AssertProblem(wrong, HttpStatusCode.Unauthorized, "Comet:Metrics:ScrapeToken");
        Assert.That(right.Status, Is.EqualTo(HttpStatusCode.OK), right.Body);
        Assert.That(right.Body, Does.Contain("target_info"));
    }

    [Test]
    public async Task Behind_a_trusted_proxy_on_this_machine_the_client_it_names_is_checked_not_the_proxy()
    {
        // A proxy (nginx, say) on the gateway's own machine connects from 127.0.0.1 for everyone.
        var gateway = await StartGatewayProcessAsync(GatewayConfig.With(), new Dictionary<string, string?> { ["Gateway:TrustedProxies:0"] = "127.0.0.1" });

        var outside = await ScrapeAsync(gateway.Client, forwardedFor: "203.0.113.7");
        var local = await ScrapeAsync(gateway.Client);

        AssertProblem(outside, HttpStatusCode.Forbidden, "203.0.113.7");
        Assert.That(local.Status, Is.EqualTo(HttpStatusCode.OK), local.Body);
    }

    [Test]
    public async Task An_entry_that_is_no_address_stops_the_gateway_at_start_naming_it()
    {
        var (exitCode, output) = await GatewayProcess.RunUntilExitAsync(new Uri("http://127.0.0.1:9/"),
            new Dictionary<string, string?> { ["Comet:Metrics:AllowedScrapers:0"] = "the-monitoring-box" }, TimeSpan.FromSeconds(30));

        Assert.That(exitCode, Is.EqualTo(2), output);
        Assert.That(output, Does.Contain("Comet:Metrics:AllowedScrapers: 'the-monitoring-box' is neither an IP address nor a network"));
    }
}
