using System.Diagnostics.Metrics;

namespace Comet.Application.Outbound;

/// <summary>The outbox's instruments, on the "Comet.Outbox" meter.</summary>
public sealed class OutboxMetrics
{
    public const string MeterName = "Comet.Outbox";

    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _deadLettered;
    private long _dead;

    public OutboxMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _deliveries = meter.CreateCounter<long>("comet.outbox.deliveries", "{attempt}",
            "Delivery attempts by kind (forge_status, notification) and result (delivered, retry, rejected, not_sent).");
        // Seconds, Prometheus's base unit (promtool's lint refuses milliseconds).
        _latency = meter.CreateHistogram("comet.outbox.attempt.duration", "s",
            "How long one delivery attempt took, until the destination answered or the attempt failed.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
        _deadLettered = meter.CreateCounter<long>("comet.outbox.dead_lettered", "{message}", "Messages given up on, by kind.");
        meter.CreateObservableGauge("comet.outbox.dead", () => Interlocked.Read(ref _dead), "{message}",
            "Dead messages in the outbox now (as of the worker's latest count).");
    }

    public void Attempted(string kind, string result, TimeSpan latency)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        _deliveries.Add(1, tag, new KeyValuePair<string, object?>("result", result));
        _latency.Record(latency.TotalSeconds, tag);
    }

    public void DeadLettered(string kind) => _deadLettered.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void DeadNow(long count) => Interlocked.Exchange(ref _dead, count);
}
