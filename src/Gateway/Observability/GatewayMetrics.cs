using System.Diagnostics;
using System.Diagnostics.Metrics;
using Comet.Gateway.Configuration;

namespace Comet.Gateway.Observability;

/// <summary>
/// The gateway's instruments (System.Diagnostics.Metrics, meter "Comet.Gateway"), exported through OpenTelemetry at
/// /metrics and over OTLP. Recording is on every forwarded request's path, so it allocates nothing: tags go in a
/// <see cref="TagList"/> (on the stack) and status codes are boxed once, here.
/// </summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "Comet.Gateway";

    /// <summary>The route label of requests no route matched.</summary>
    public const string NoRoute = "(none)";

    /// <summary>Upper bounds in seconds: from sub-millisecond proxying to minute-long log streams.</summary>
    private static readonly double[] DurationBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private static readonly object[] BoxedStatus = [.. Enumerable.Range(0, 600).Select(code => (object)code)];

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _upstreamErrors;
    private readonly Counter<long> _rateLimited;

    public GatewayMetrics(IMeterFactory meters, RouteTableProvider routes)
    {
        _meter = meters.Create(MeterName);
        _requests = _meter.CreateCounter<long>("comet.gateway.requests", description: "Requests answered, by route, method and status.");
        _duration = _meter.CreateHistogram("comet.gateway.request.duration", "s", "Time from request to the end of the answer, by route.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _upstreamErrors = _meter.CreateCounter<long>("comet.gateway.upstream.errors", description: "Failed calls to downstream services, by route and kind.");
        _rateLimited = _meter.CreateCounter<long>("comet.gateway.rate_limited", description: "Requests refused by a rate limit, by route.");
        _meter.CreateObservableGauge("comet.gateway.circuit.state", () => routes.Current.Routes
                .Where(r => r.Resilience.Breaker is not null)
                .Select(r => new Measurement<int>(r.Resilience.BreakerStateCode, new KeyValuePair<string, object?>("route", r.Label))),
            description: "Circuit breaker per route: 0 closed, 1 open, 2 half-open.");
    }

    public void RequestAnswered(string route, string method, int status, TimeSpan elapsed)
    {
        var tags = new TagList { { "route", route }, { "method", method }, { "status", Boxed(status) } };
        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("route", route));
    }

    public void UpstreamFailed(string route, string kind) => _upstreamErrors.Add(1, new TagList { { "route", route }, { "kind", kind } });

    public void RateLimited(string route) => _rateLimited.Add(1, new KeyValuePair<string, object?>("route", route));

    private static object Boxed(int status) => (uint)status < (uint)BoxedStatus.Length ? BoxedStatus[status] : status;

    public void Dispose() => _meter.Dispose();
}
