using System.Net;
using Comet.TestSupport;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>
/// The gateway process as Prometheus and an OpenTelemetry collector see it: its /metrics passes promtool, and with
/// OTEL_EXPORTER_OTLP_ENDPOINT set it pushes metrics and spans over OTLP/HTTP.
/// </summary>
public sealed class TelemetryExportTests : AcceptanceTest
{
    [Test]
    public async Task Its_metrics_after_traffic_pass_promtool()
    {
        var promtool = Promtool.Require();
        var downstream = await StartDownstreamAsync();
        var gateway = await StartGatewayProcessAsync(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)));
        using (var forwarded = await gateway.Client.GetAsync("/api/cards/1"))
            Assert.That(forwarded.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        using var response = await gateway.Client.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        var (exitCode, output) = await Promtool.CheckMetricsAsync(promtool, text);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(exitCode, Is.Zero, $"promtool check metrics said:\n{output}\nabout:\n{text}");
        Assert.That(ObservabilityDocs.UndocumentedFamilies(text), Is.Empty, $"every metric served is listed in {ObservabilityDocs.Path}");
        var names = PrometheusText.Parse(text).Select(s => s.Name).ToHashSet();
        Assert.That(names, Is.SupersetOf(new[]
        {
            "comet_gateway_requests_total", "comet_gateway_request_duration_seconds_bucket", "comet_gateway_request_duration_seconds_count",
            "kestrel_active_connections", "dotnet_gc_collections_total",
        }));
    }

    [Test]
    public async Task With_an_otlp_endpoint_it_pushes_its_metrics_and_the_span_of_each_request()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        var downstream = await StartDownstreamAsync();
        var gateway = await StartGatewayProcessAsync(GatewayConfig.With(Route.To("/api/{everything}", "/{everything}", downstream)),
            collector.ExporterSettings);

        // A scrape first: spans leave in the order they end, so one for it would arrive no later than the request's.
        using (var scrape = await gateway.Client.GetAsync("/metrics"))
            Assert.That(scrape.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using (var forwarded = await gateway.Client.GetAsync("/api/cards/1"))
            Assert.That(forwarded.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // The forward's own client span, and the traceparent it carries downstream, are the forwarder's part: the
        // orchestrator's trace tests follow them across both hosts.
        var spans = await collector.WaitForSpansAsync(all => all.Any(IsTheRequest), TimeSpan.FromSeconds(30), "server span of GET /api/cards/1");
        var server = spans.First(IsTheRequest);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!collector.MetricNames.ContainsKey("comet.gateway.requests") && DateTime.UtcNow < deadline) await Task.Delay(100);

        Assert.Multiple(() =>
        {
            Assert.That(collector.Paths, Does.Contain("/v1/traces").And.Contain("/v1/metrics"));
            Assert.That(server.Service, Is.EqualTo("comet-gateway"));
            Assert.That(server.Attributes.GetValueOrDefault("http.request.method"), Is.EqualTo("GET"));
            Assert.That(server.Attributes.GetValueOrDefault("http.response.status_code"), Is.EqualTo("200"));
            Assert.That(spans.Where(s => s.Kind == OtlpSpan.Server).Select(s => s.Attributes.GetValueOrDefault("url.path")),
                Has.None.EqualTo("/metrics"), "scrapes make no spans");
            Assert.That(collector.MetricNames.GetValueOrDefault("comet.gateway.requests"), Is.EqualTo("comet-gateway"),
                $"metrics received: {string.Join(", ", collector.MetricNames.Keys)}");
        });

        static bool IsTheRequest(OtlpSpan span) => span.Kind == OtlpSpan.Server && span.Attributes.GetValueOrDefault("url.path") == "/api/cards/1";
    }
}
