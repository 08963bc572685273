using System.Collections;
using System.Diagnostics;
using Comet.Hosting.Observability;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace Comet.Orchestrator.Tests.Observability;

/// <summary>
/// The spans an in-process orchestrator records, through OpenTelemetry's in-memory exporter. Tracers listen across the
/// process, so spans of other hosts in this test process land here too: tests pick theirs by trace id.
/// </summary>
public sealed class RecordedSpans : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];

    /// <summary>Makes the host record traces (no OTLP endpoint needed) into this collection.</summary>
    public static Dictionary<string, string?> Settings => new() { [CometTelemetry.RecordTracesKey] = "true" };

    public void AddExporterTo(IServiceCollection services) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(this));

    public IReadOnlyList<Activity> Snapshot()
    {
        lock (_spans) return [.. _spans];
    }

    /// <summary>Polls until a span matches; fails the test after <paramref name="timeout"/>, listing what was recorded.</summary>
    public async Task<Activity> WaitForAsync(Func<Activity, bool> match, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (Snapshot().FirstOrDefault(match) is { } found) return found;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"no {what} was recorded; spans: {string.Join("; ", Snapshot().Select(Describe))}");
            await Task.Delay(100);
        }
    }

    public static string Describe(Activity span) =>
        $"{span.Source.Name} '{span.DisplayName}' {span.Kind} {span.TraceId}/{span.SpanId} parent {span.ParentSpanId}";

    public void Add(Activity item)
    {
        lock (_spans) _spans.Add(item);
    }

    public void Clear()
    {
        lock (_spans) _spans.Clear();
    }

    public bool Contains(Activity item)
    {
        lock (_spans) return _spans.Contains(item);
    }

    public void CopyTo(Activity[] array, int arrayIndex)
    {
        lock (_spans) _spans.CopyTo(array, arrayIndex);
    }

    public bool Remove(Activity item)
    {
        lock (_spans) return _spans.Remove(item);
    }

    public int Count
    {
        get { lock (_spans) return _spans.Count; }
    }

    public bool IsReadOnly => false;

    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
