using System.Net;
using Comet.TestSupport;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>The gateway's own /metrics (Prometheus text, through OpenTelemetry) after real traffic.</summary>
public sealed class MetricsTests : AcceptanceTest
{
    /// <summary>The in-memory gateway sees its client at <see cref="GatewayFactory.RemoteAddress"/>: allowed to scrape here.</summary>
    private static readonly Dictionary<string, string?> Scrapable = new()
    {
        ["Comet:Metrics:AllowedScrapers:0"] = GatewayFactory.RemoteAddress.ToString(),
    };

    private static async Task<IReadOnlyList<Sample>> Scrape(TestGateway gateway)
    {
        using var response = await gateway.Client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        Assert.That(response.Content.Headers.ContentType?.Parameters.Any(p => p.Name == "version" && p.Value == "0.0.4"), Is.True,
            response.Content.Headers.ContentType?.ToString());
        return PrometheusText.Parse(text);
    }

    private static async Task Send(TestGateway gateway, string method, string path, HttpStatusCode expected)
    {
        using var response = await gateway.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.That(response.StatusCode, Is.EqualTo(expected), $"{method} {path}");
    }

    [Test]
    public async Task Requests_are_counted_by_route_method_and_status_with_their_durations()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(
            Route.To("/api/{everything}", "/{everything}", downstream),
            Route.To("/teapot", "/status/418", downstream)), Scrapable);

        await Send(gateway, "GET", "/api/cards/1", HttpStatusCode.OK);
        await Send(gateway, "GET", "/api/cards/2", HttpStatusCode.OK);
        await Send(gateway, "POST", "/api/cards", HttpStatusCode.OK);
        await Send(gateway, "GET", "/teapot", (HttpStatusCode)418);
        await Send(gateway, "GET", "/nowhere", HttpStatusCode.NotFound);

        var samples = await Scrape(gateway);
        const string requests = "comet_gateway_requests_total";
        Assert.Multiple(() =>
        {
            Assert.That(samples.Sum(requests, ("route", "/api/{everything}"), ("method", "GET"), ("status", "200")), Is.EqualTo(2));
            Assert.That(samples.Sum(requests, ("route", "/api/{everything}"), ("method", "POST"), ("status", "200")), Is.EqualTo(1));
            Assert.That(samples.Sum(requests, ("route", "/teapot"), ("method", "GET"), ("status", "418")), Is.EqualTo(1));
            Assert.That(samples.Sum(requests, ("route", "(none)"), ("status", "404")), Is.EqualTo(1), "unmatched requests are counted as route (none)");
            Assert.That(samples.Sum("comet_gateway_request_duration_seconds_count", ("route", "/api/{everything}")), Is.EqualTo(3));
            Assert.That(samples.Sum("comet_gateway_request_duration_seconds_sum", ("route", "/api/{everything}")), Is.GreaterThan(0));
            Assert.That(samples.Where(s => s.Name == "comet_gateway_request_duration_seconds_bucket" && s.Has("route", "/api/{everything}") && s.Has("le", "+Inf"))
                .Sum(s => s.Value), Is.EqualTo(3));
        });
    }

    [Test]
    public async Task A_refusal_by_the_rate_limit_is_counted()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/limited", "/limited", downstream).Limited(1, "1m")), Scrapable);

        await Send(gateway, "GET", "/limited", HttpStatusCode.OK);
        await Send(gateway, "GET", "/limited", HttpStatusCode.TooManyRequests);
        await Send(gateway, "GET", "/limited", HttpStatusCode.TooManyRequests);

        var samples = await Scrape(gateway);
        Assert.That(samples.Sum("comet_gateway_rate_limited_total", ("route", "/limited")), Is.EqualTo(2));
        Assert.That(samples.Sum("comet_gateway_requests_total", ("route", "/limited"), ("status", "429")), Is.EqualTo(2));
    }

    [Test]
    public async Task Upstream_errors_and_the_breaker_state_are_exposed()
    {
        var gateway = InMemoryGateway(GatewayConfig.With(
            Route.ToClosedPort("/down", "/down", FreePort.Next()) with { QoSOptions = new QoSOptions(ExceptionsAllowedBeforeBreaking: 2, DurationOfBreak: 60_000) }), Scrapable);

        var closed = await Scrape(gateway);
        await Send(gateway, "GET", "/down", HttpStatusCode.BadGateway);
        await Send(gateway, "GET", "/down", HttpStatusCode.BadGateway);
        await Send(gateway, "GET", "/down", HttpStatusCode.ServiceUnavailable);
        var open = await Scrape(gateway);

        Assert.Multiple(() =>
        {
            Assert.That(closed.Sum("comet_gateway_circuit_state", ("route", "/down")), Is.Zero, "closed before any failure");
            Assert.That(open.Sum("comet_gateway_upstream_errors_total", ("route", "/down"), ("kind", "refused")), Is.EqualTo(2));
            Assert.That(open.Sum("comet_gateway_upstream_errors_total", ("route", "/down"), ("kind", "circuit_open")), Is.EqualTo(1));
            Assert.That(open.Sum("comet_gateway_circuit_state", ("route", "/down")), Is.EqualTo(1), "open");
        });
    }

    [Test]
    public async Task Metrics_are_the_gateways_own_and_never_forwarded()
    {
        var downstream = await StartDownstreamAsync();
        var gateway = InMemoryGateway(GatewayConfig.With(Route.To("/{everything}", "/{everything}", downstream)), Scrapable);
        await Send(gateway, "GET", "/cards", HttpStatusCode.OK);

        var samples = await Scrape(gateway);

        Assert.That(samples.Sum("comet_gateway_requests_total", ("route", "/{everything}")), Is.EqualTo(1));
        Assert.That(downstream.RequestsTo("/metrics"), Is.Empty, "a catch-all route does not take /metrics");
    }
}
