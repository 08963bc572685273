using System.Text.Json;
using System.Text.RegularExpressions;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Observability;

/// <summary>The Grafana dashboard shipped in docs/grafana queries only metrics that docs/OBSERVABILITY.md lists.</summary>
public sealed partial class ObservabilityDocsTests
{
    [Test]
    public void The_grafana_dashboard_is_json_whose_every_queried_metric_is_documented()
    {
        using var dashboard = JsonDocument.Parse(RepositoryFiles.ReadAllText("docs/grafana/comet.json"));
        var expressions = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!))
            .ToList();
        var queried = expressions.SelectMany(e => MetricName().Matches(e).Select(m => ObservabilityDocs.FamilyOf(m.Value))).ToHashSet();

        Assert.That(expressions, Has.Count.GreaterThan(20), "a dashboard, not a stub");
        Assert.That(queried, Is.SubsetOf(ObservabilityDocs.DocumentedNames()), "every metric the dashboard queries is in docs/OBSERVABILITY.md");
        Assert.That(queried, Is.SupersetOf(new[]
        {
            "comet_runs_completed_total", "comet_jobs_completed_total", "comet_job_duration_seconds", "comet_step_duration_seconds",
            "comet_queue_depth", "comet_queue_wait_seconds", "comet_log_bytes_total", "comet_tests_stored_total", "comet_webhooks_received_total",
            "comet_outbox_deliveries_total", "comet_gateway_requests_total", "comet_gateway_upstream_errors_total", "comet_gateway_circuit_state",
        }), "it shows the CI and the gateway");
    }

    /// <summary>Names of the families Comet's hosts serve (the dashboard's labels and functions are not among them).</summary>
    [GeneratedRegex(@"\b(comet|http|kestrel|dotnet)_[a-z0-9_]+\b")]
    private static partial Regex MetricName();
}
