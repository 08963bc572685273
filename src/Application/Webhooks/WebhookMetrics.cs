using System.Diagnostics.Metrics;

namespace Comet.Application.Webhooks;

/// <summary>The webhook receiver's instruments, on the orchestrator's meter.</summary>
public sealed class WebhookMetrics
{
    public const string MeterName = Common.Observability.OrchestratorTelemetry.Name;
    public const string RejectedName = "comet.webhooks.rejected";

    private readonly Counter<long> _received;
    private readonly Counter<long> _rejected;

    public WebhookMetrics(IMeterFactory meters)
    {
        // The factory hands every caller of one name the same meter, and disposes it with the host.
        var meter = meters.Create(MeterName);
        _received = meter.CreateCounter<long>("comet.webhooks.received", "{delivery}",
            "Webhook deliveries that reached a forge's receiver, by forge, before any check (the rejected ones included).");
        _rejected = meter.CreateCounter<long>(RejectedName, "{delivery}",
            "Webhook deliveries refused before their body was read, by forge and reason (signature_missing, signature_mismatch, no_project).");
    }

    public void Received(string forge) => _received.Add(1, new KeyValuePair<string, object?>("forge", forge));

    public void Rejected(string forge, string reason) =>
        _rejected.Add(1, new KeyValuePair<string, object?>("forge", forge), new KeyValuePair<string, object?>("reason", reason));
}
