using Comet.Application.Common.Observability;
using Comet.Application.Outbound;
using Comet.Hosting.Observability;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>What the orchestrator measures and traces (see docs/OBSERVABILITY.md for every metric).</summary>
public static class TelemetrySetup
{
    /// <summary>
    /// Comet's own meters, ASP.NET Core's HTTP server and Kestrel connection metrics, the HTTP client's (forges, chat and
    /// mail relays), and the runtime's. Spans: each request, its outgoing HTTP calls, and the jobs it starts.
    /// </summary>
    private static readonly TelemetrySignals Signals = new("comet-orchestrator",
        [OrchestratorTelemetry.Name, OutboxMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime"],
        ["Microsoft.AspNetCore", "System.Net.Http", OrchestratorTelemetry.Name]);

    public static IServiceCollection AddOrchestratorTelemetry(this IServiceCollection services, IConfiguration configuration) =>
        services.AddCometTelemetry(configuration, Signals);

    /// <summary>/metrics, to the scrapers Comet:Metrics allows; the client address is the one the forwarded headers step settled.</summary>
    public static void MapMetricsEndpoint(this WebApplication app) =>
        app.MapCometMetrics().WithTags("Operations").WithSummary("The orchestrator's metrics in Prometheus text format (only to Comet:Metrics:AllowedScrapers).");
}
