using System.Diagnostics.Metrics;
using Comet.Gateway.Configuration;

namespace Comet.Gateway.Observability;

/// <summary>The gateway's instruments (System.Diagnostics.Metrics), served at /metrics in Prometheus format.</summary>
public sealed class GatewayMetrics : IDisposable
{
    public const string MeterName = "Comet.Gateway";

    /// <summary>The route label of requests no route matched.</summary>
    public const string NoRoute = "(none)";

    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _upstreamErrors;
    private readonly Counter<long> _rateLimited;

    public GatewayMetrics(IMeterFactory meters, RouteTableProvider routes)
    {
        _meter = meters.Create(MeterName);
        _requests = _meter.CreateCounter<long>("comet.gateway.requests", description: "Requests answered, by route, method and status.");
        _duration = _meter.CreateHistogram<double>("comet.gateway.request.duration", "s", "Time from request to the end of the answer, by route.");
        _upstreamErrors = _meter.CreateCounter<long>("comet.gateway.upstream.errors", description: "Failed calls to downstream services, by route and kind.");
        _rateLimited = _meter.CreateCounter<long>("comet.gateway.rate_limited", description: "Requests refused by a rate limit, by route.");
        _meter.CreateObservableGauge("comet.gateway.circuit.state", () => routes.Current.Routes
                .Where(r => r.Resilience.Breaker is not null)
                .Select(r => new Measurement<int>(r.Resilience.BreakerStateCode, new KeyValuePair<string, object?>("route", r.Label))),
            description: "Circuit breaker per route: 0 closed, 1 open, 2 half-open.");
    }

    public void RequestAnswered(string route, string method, int status, TimeSpan elapsed)
    {
        _requests.Add(1, new("route", route), new("method", method), new("status", status));
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("route", route));
    }

    public void UpstreamFailed(string route, string kind) => _upstreamErrors.Add(1, new("route", route), new("kind", kind));

    public void RateLimited(string route) => _rateLimited.Add(1, new KeyValuePair<string, object?>("route", route));

    public void Dispose() => _meter.Dispose();
}
