using System.Diagnostics.Metrics;
using Comet.Hosting.Observability;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Gateway.Tests.Units;

public sealed class PrometheusMetricsTests
{
    private const string MeterName = "Comet.Test";

    private readonly List<IDisposable> _disposables = [];

    [TearDown]
    public void DisposeAll()
    {
        foreach (var disposable in Enumerable.Reverse(_disposables)) disposable.Dispose();
        _disposables.Clear();
    }

    private IMeterFactory NewFactory()
    {
        var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _disposables.Add(provider);
        return provider.GetRequiredService<IMeterFactory>();
    }

    private PrometheusMetrics Exporter(IMeterFactory factory, params string[] meterNames)
    {
        var exporter = new PrometheusMetrics(factory, meterNames.Length == 0 ? [MeterName] : meterNames);
        _disposables.Add(exporter);
        return exporter;
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Test]
    public void Counter_is_exported_as_a_total_per_label_set()
    {
        var factory = NewFactory();
        var exporter = Exporter(factory);
        var requests = factory.Create(MeterName).CreateCounter<long>("comet.gateway.requests", description: "Requests answered.");

        requests.Add(1, new("route", "/api/{everything}"), new("status", 200));
        requests.Add(2, new("status", 200), new("route", "/api/{everything}"));
        requests.Add(1, new("route", "/api/{everything}"), new("status", 404));

        Assert.That(Lines(exporter.Scrape()), Is.EqualTo(new[]
        {
            "# HELP comet_gateway_requests_total Requests answered.",
            "# TYPE comet_gateway_requests_total counter",
            "comet_gateway_requests_total{route=\"/api/{everything}\",status=\"200\"} 3",
            "comet_gateway_requests_total{route=\"/api/{everything}\",status=\"404\"} 1",
        }));
    }

    [Test]
    public void Histogram_has_cumulative_buckets_sum_and_count()
    {
        var factory = NewFactory();
        var exporter = Exporter(factory);
        var duration = factory.Create(MeterName).CreateHistogram<double>("comet.gateway.request.duration", "s");

        duration.Record(0.5, new KeyValuePair<string, object?>("route", "/a"));
        duration.Record(2, new KeyValuePair<string, object?>("route", "/a"));
        duration.Record(100, new KeyValuePair<string, object?>("route", "/a"));

        var lines = Lines(exporter.Scrape());
        string Sample(string series) => lines.Single(l => l.StartsWith(series + " ", StringComparison.Ordinal))[(series.Length + 1)..];

        Assert.That(lines, Does.Contain("# TYPE comet_gateway_request_duration_seconds histogram"));
        Assert.That(Sample("comet_gateway_request_duration_seconds_bucket{route=\"/a\",le=\"0.25\"}"), Is.EqualTo("0"));
        Assert.That(Sample("comet_gateway_request_duration_seconds_bucket{route=\"/a\",le=\"0.5\"}"), Is.EqualTo("1"), "le is inclusive");
        Assert.That(Sample("comet_gateway_request_duration_seconds_bucket{route=\"/a\",le=\"1\"}"), Is.EqualTo("1"));
        Assert.That(Sample("comet_gateway_request_duration_seconds_bucket{route=\"/a\",le=\"2.5\"}"), Is.EqualTo("2"));
        Assert.That(Sample("comet_gateway_request_duration_seconds_bucket{route=\"/a\",le=\"60\"}"), Is.EqualTo("2"));
        Assert.That(Sample("comet_gateway_request_duration_seconds_bucket{route=\"/a\",le=\"+Inf\"}"), Is.EqualTo("3"));
        Assert.That(Sample("comet_gateway_request_duration_seconds_sum{route=\"/a\"}"), Is.EqualTo("102.5"));
        Assert.That(Sample("comet_gateway_request_duration_seconds_count{route=\"/a\"}"), Is.EqualTo("3"));
    }

    [Test]
    public void Histogram_buckets_never_decrease()
    {
        var factory = NewFactory();
        var exporter = Exporter(factory);
        var duration = factory.Create(MeterName).CreateHistogram<double>("latency", "s");
        foreach (var value in new[] { 0.0001, 0.003, 0.003, 0.04, 0.7, 7, 45 }) duration.Record(value);

        var counts = Lines(exporter.Scrape()).Where(l => l.StartsWith("latency_seconds_bucket", StringComparison.Ordinal))
            .Select(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..])).ToList();

        Assert.That(counts, Is.Ordered);
        Assert.That(counts[0], Is.EqualTo(1));
        Assert.That(counts[^1], Is.EqualTo(7));
    }

    [Test]
    public void Label_values_escape_quotes_backslashes_and_newlines()
    {
        var factory = NewFactory();
        var exporter = Exporter(factory);
        var errors = factory.Create(MeterName).CreateCounter<long>("errors");

        errors.Add(1, new KeyValuePair<string, object?>("path", "C:\\dir\\\"x\"\nnext"));

        Assert.That(Lines(exporter.Scrape()), Does.Contain("errors_total{path=\"C:\\\\dir\\\\\\\"x\\\"\\nnext\"} 1"));
    }

    [Test]
    public void Observable_gauge_is_read_at_scrape_time()
    {
        var factory = NewFactory();
        var exporter = Exporter(factory);
        var state = 0;
        factory.Create(MeterName).CreateObservableGauge("comet.gateway.circuit.state",
            () => new Measurement<int>(state, new KeyValuePair<string, object?>("route", "/a")));

        var closed = exporter.Scrape();
        state = 1;
        var open = exporter.Scrape();

        Assert.That(Lines(closed), Does.Contain("comet_gateway_circuit_state{route=\"/a\"} 0"));
        Assert.That(Lines(open), Does.Contain("comet_gateway_circuit_state{route=\"/a\"} 1"));
        Assert.That(Lines(open), Does.Contain("# TYPE comet_gateway_circuit_state gauge"));
    }

    [Test]
    public void Observable_gauge_series_that_stop_reporting_disappear()
    {
        var factory = NewFactory();
        var exporter = Exporter(factory);
        var routes = new List<string> { "/a", "/b" };
        factory.Create(MeterName).CreateObservableGauge("breaker",
            () => routes.Select(r => new Measurement<int>(0, new KeyValuePair<string, object?>("route", r))).ToList());

        exporter.Scrape();
        routes.Remove("/a");
        var after = exporter.Scrape();

        Assert.That(after, Does.Not.Contain("route=\"/a\""));
        Assert.That(after, Does.Contain("breaker{route=\"/b\"} 0"));
    }

    [Test]
    public void Meters_of_another_factory_are_not_exported()
    {
        var factory = NewFactory();
        var exporter = Exporter(factory);
        var otherFactory = NewFactory();

        factory.Create(MeterName).CreateCounter<long>("mine").Add(1);
        otherFactory.Create(MeterName).CreateCounter<long>("theirs").Add(1);

        var text = exporter.Scrape();
        Assert.That(text, Does.Contain("mine_total 1"));
        Assert.That(text, Does.Not.Contain("theirs"));
    }

    [Test]
    public void Meters_with_other_names_are_not_exported()
    {
        var factory = NewFactory();
        var exporter = Exporter(factory);

        factory.Create(MeterName).CreateCounter<long>("wanted").Add(1);
        factory.Create("Someone.Else").CreateCounter<long>("unwanted").Add(1);

        var text = exporter.Scrape();
        Assert.That(text, Does.Contain("wanted_total 1"));
        Assert.That(text, Does.Not.Contain("unwanted"));
    }

    [Test]
    public void Instrument_without_measurements_writes_nothing()
    {
        var factory = NewFactory();
        var exporter = Exporter(factory);
        factory.Create(MeterName).CreateCounter<long>("idle", description: "Never used.");

        Assert.That(exporter.Scrape(), Is.Empty);
    }
}
