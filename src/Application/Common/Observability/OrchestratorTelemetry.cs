using System.Diagnostics;

namespace Comet.Application.Common.Observability;

/// <summary>The orchestrator's own meter and activity source, both named "Comet.Orchestrator".</summary>
public static class OrchestratorTelemetry
{
    public const string Name = "Comet.Orchestrator";

    /// <summary>
    /// Spans of a job's execution (<c>comet.job</c>, with a <c>comet.step</c> per step). Static, as activity sources
    /// are meant to be: nothing is recorded unless a tracer listens (an OTLP endpoint is set).
    /// </summary>
    public static readonly ActivitySource Source = new(Name);
}
