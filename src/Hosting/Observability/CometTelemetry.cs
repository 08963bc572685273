using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Comet.Hosting.Observability;

/// <summary>What one host measures and traces: its OpenTelemetry service name, the meters it exports and the activity sources it records.</summary>
/// <param name="ServiceName">The <c>service.name</c> resource attribute, unless OTEL_SERVICE_NAME says otherwise.</param>
public sealed record TelemetrySignals(string ServiceName, IReadOnlyList<string> Meters, IReadOnlyList<string> ActivitySources);

/// <summary>
/// OpenTelemetry for both hosts. Metrics (the host's System.Diagnostics.Metrics meters) are always collected and
/// served at <c>/metrics</c> in the Prometheus text format, to the scrapers <see cref="MetricsOptions"/> allows; they
/// are also pushed over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or the signal's own variable) is set. Traces are
/// recorded only when they go somewhere: an OTLP endpoint, or an exporter added in code (tests) with
/// <c>Comet:Telemetry:RecordTraces</c>. Otherwise no tracer listens, so no request pays for spans nobody reads.
/// </summary>
public static class CometTelemetry
{
    public const string MetricsPath = "/metrics";
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string RecordTracesKey = "Comet:Telemetry:RecordTraces";

    /// <summary>
    /// The runtime's gauges whose names end in <c>.count</c>: in Prometheus a <c>_count</c> series belongs to a histogram
    /// or summary, so promtool's lint (and people reading a dashboard) would take them for one. Renamed, nothing dropped.
    /// </summary>
    private static readonly (string Instrument, string Name)[] PrometheusFriendlyNames =
    [
        ("dotnet.assembly.count", "dotnet.assemblies.loaded"),
        ("dotnet.process.cpu.count", "dotnet.process.cpus"),
        ("dotnet.thread_pool.thread.count", "dotnet.thread_pool.threads"),
        ("dotnet.timer.count", "dotnet.timers"),
    ];

    public static IServiceCollection AddCometTelemetry(this IServiceCollection services, IConfiguration configuration, TelemetrySignals signals)
    {
        services.AddOptions<MetricsOptions>().Bind(configuration.GetSection(MetricsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();

        var metricsToOtlp = IsSet(configuration, OtlpEndpointVariable) || IsSet(configuration, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
        var tracesToOtlp = IsSet(configuration, OtlpEndpointVariable) || IsSet(configuration, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        var serviceName = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } named ? named : signals.ServiceName;
        var version = typeof(CometTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceVersion: version))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter([.. signals.Meters]);
                foreach (var (instrument, name) in PrometheusFriendlyNames) metrics.AddView(instrument, name);
                // Scrapes are seconds apart; a cached answer would only hide what just happened.
                metrics.AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (metricsToOtlp) metrics.AddOtlpExporter();
            });
        if (tracesToOtlp || configuration.GetValue<bool>(RecordTracesKey))
            telemetry.WithTracing(tracing =>
            {
                // The default sampler, ParentBased(AlwaysOn), follows the caller's sampled flag; OTEL_TRACES_SAMPLER can change it.
                tracing.AddSource([.. signals.ActivitySources]);
                // Scrapes and health probes come every few seconds and say nothing about the work: no spans for them.
                tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => !IsOperationsTraffic(context.Request.Path));
                if (tracesToOtlp) tracing.AddOtlpExporter();
            });
        return services;
    }

    /// <summary>
    /// <c>/metrics</c>, in Prometheus text, behind <see cref="MetricsScrapeGuard"/>. It is an endpoint, so the gateway's
    /// route table never sees (or forwards) it.
    /// </summary>
    /// <param name="clientOf">How the host knows the client's address; by default the connection's (after forwarded headers).</param>
    public static IEndpointConventionBuilder MapCometMetrics(this IEndpointRouteBuilder endpoints, Func<HttpContext, IPAddress?>? clientOf = null)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value;
        var guard = new MetricsScrapeGuard(options, clientOf ?? (context => context.Connection.RemoteIpAddress));
        return endpoints.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null,
                configureBranchedPipeline: branch => branch.Use(guard.CheckAsync), optionsName: null)
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Get]))
            // The exporter's endpoint is a bare request delegate, which API descriptions skip; a method to describe it
            // by puts /metrics in the hosts' OpenAPI documents with the rest of their own endpoints.
            .WithMetadata(((Func<string>)DescribeMetrics).Method)
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), ["text/plain"]))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status401Unauthorized, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]))
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status403Forbidden, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]))
            .WithDescription("Prometheus text format 0.0.4. Only the addresses in Comet:Metrics:AllowedScrapers (default: this machine) may "
                             + "read it, with 'Authorization: Bearer <Comet:Metrics:ScrapeToken>' when that is set; others get 403 or 401.");
    }

    /// <summary>Never called: the shape (no parameters, text out) that describes <c>GET /metrics</c>.</summary>
    private static string DescribeMetrics() => "";

    private static bool IsOperationsTraffic(PathString path) =>
        path.StartsWithSegments(MetricsPath) || path.StartsWithSegments("/health");

    private static bool IsSet(IConfiguration configuration, string key) => !string.IsNullOrWhiteSpace(configuration[key]);
}
