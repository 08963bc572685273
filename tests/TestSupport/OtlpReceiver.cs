using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Comet.TestSupport;

/// <summary>One span as an OTLP exporter sent it. Ids are lowercase hex; <see cref="Kind"/> is OTLP's (1 internal, 2 server, 3 client).</summary>
public sealed record OtlpSpan(string Service, string Scope, string TraceId, string SpanId, string? ParentSpanId, string Name, int Kind,
    IReadOnlyDictionary<string, string> Attributes)
{
    public const int Internal = 1, Server = 2, Client = 3;

    public override string ToString() => $"{Service} {Scope} '{Name}' kind {Kind} {TraceId}/{SpanId} parent {ParentSpanId ?? "-"} "
        + $"{{{string.Join(", ", Attributes.Select(a => $"{a.Key}={a.Value}"))}}}";
}

/// <summary>
/// An OpenTelemetry collector's front door for tests: OTLP over HTTP with protobuf bodies (<c>POST /v1/traces</c>,
/// <c>/v1/metrics</c>) on a loopback port, as a host exports to when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> points here with
/// <c>OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf</c>. It reads the few protobuf fields the tests look at (spans: ids,
/// parent, name, kind, string attributes, the resource's service.name; metrics: names) with a small wire-format
/// reader, since the generated OTLP classes are not in the package mirror.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _paths = new();
    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private readonly ConcurrentDictionary<string, string> _metrics = new();

    private OtlpReceiver(WebApplication app, int port)
    {
        _app = app;
        Endpoint = new Uri($"http://127.0.0.1:{port}");
    }

    /// <summary>What OTEL_EXPORTER_OTLP_ENDPOINT is set to: the exporter adds /v1/traces and /v1/metrics.</summary>
    public Uri Endpoint { get; }

    /// <summary>The paths of every export request, in arrival order.</summary>
    public IReadOnlyList<string> Paths => [.. _paths];

    public IReadOnlyList<OtlpSpan> Spans => [.. _spans];

    /// <summary>Metric names received, each with the service that sent it.</summary>
    public IReadOnlyDictionary<string, string> MetricNames => _metrics;

    /// <summary>The settings (as environment variables) that make a host export here, quickly.</summary>
    public IReadOnlyDictionary<string, string?> ExporterSettings => new Dictionary<string, string?>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        // Spans leave in batches every 5 s and metrics every 60 s by default; a test waits for neither.
        ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
    };

    public static async Task<OtlpReceiver> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app, port);
        app.MapPost("/v1/traces", context => receiver.ReceiveAsync(context, receiver.ReadTraces));
        app.MapPost("/v1/metrics", context => receiver.ReceiveAsync(context, receiver.ReadMetrics));
        await app.StartAsync();
        return receiver;
    }

    /// <summary>Polls until <paramref name="found"/> holds for the spans received; fails the test after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<OtlpSpan>> WaitForSpansAsync(Func<IReadOnlyList<OtlpSpan>, bool> found, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var spans = Spans;
            if (found(spans)) return spans;
            if (DateTime.UtcNow > deadline)
                NUnit.Framework.Assert.Fail($"no {what} arrived within {timeout.TotalSeconds} s; received:\n{string.Join("\n", spans)}\npaths: {string.Join(", ", Paths)}");
            await Task.Delay(100);
        }
    }

    private async Task ReceiveAsync(HttpContext context, Action<byte[]> read)
    {
        _paths.Enqueue(context.Request.Path.Value ?? "");
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        read(body.ToArray());
        // An empty Export*ServiceResponse: everything accepted.
        context.Response.ContentType = "application/x-protobuf";
    }

    /// <summary>ExportTraceServiceRequest: resource_spans(1) → resource(1), scope_spans(2) → scope(1), spans(2).</summary>
    private void ReadTraces(byte[] message)
    {
        foreach (var resourceSpans in Proto.Messages(message, 1))
        {
            var service = ServiceOf(resourceSpans);
            foreach (var scopeSpans in Proto.Messages(resourceSpans, 2))
            {
                var scope = Proto.Messages(scopeSpans, 1).Select(s => Proto.String(s, 1)).FirstOrDefault() ?? "";
                foreach (var span in Proto.Messages(scopeSpans, 2))
                {
                    var parent = Proto.Bytes(span, 4);
                    var attributes = new Dictionary<string, string>();
                    foreach (var (key, value) in Proto.Messages(span, 9).Select(KeyValue))
                        attributes[key] = value;
                    _spans.Enqueue(new OtlpSpan(service, scope, Hex(Proto.Bytes(span, 1)), Hex(Proto.Bytes(span, 2)),
                        parent is { Length: > 0 } ? Hex(parent) : null, Proto.String(span, 5) ?? "", (int)Proto.Varint(span, 6), attributes));
                }
            }
        }
    }

    /// <summary>ExportMetricsServiceRequest: resource_metrics(1) → resource(1), scope_metrics(2) → metrics(2) → name(1).</summary>
    private void ReadMetrics(byte[] message)
    {
        foreach (var resourceMetrics in Proto.Messages(message, 1))
        {
            var service = ServiceOf(resourceMetrics);
            foreach (var scopeMetrics in Proto.Messages(resourceMetrics, 2))
                foreach (var metric in Proto.Messages(scopeMetrics, 2))
                    if (Proto.String(metric, 1) is { } name) _metrics[name] = service;
        }
    }

    /// <summary>service.name among the resource's attributes(1).</summary>
    private static string ServiceOf(byte[] resourceContainer) =>
        Proto.Messages(resourceContainer, 1).SelectMany(r => Proto.Messages(r, 1)).Select(KeyValue)
            .FirstOrDefault(kv => kv.Key == "service.name").Value ?? "";

    /// <summary>KeyValue: key(1), value(2) as AnyValue: string(1), bool(2), int(3); other kinds read as "".</summary>
    private static (string Key, string Value) KeyValue(byte[] pair)
    {
        var key = Proto.String(pair, 1) ?? "";
        var any = Proto.Messages(pair, 2).FirstOrDefault();
        if (any is null) return (key, "");
        var value = Proto.String(any, 1)
                    ?? (Proto.Has(any, 3) ? ((long)Proto.Varint(any, 3)).ToString(System.Globalization.CultureInfo.InvariantCulture) : null)
                    ?? (Proto.Has(any, 2) ? (Proto.Varint(any, 2) != 0 ? "true" : "false") : "");
        return (key, value);
    }

    private static string Hex(byte[]? bytes) => bytes is null ? "" : Convert.ToHexStringLower(bytes);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>The protobuf wire format, as far as reading OTLP needs: varints, length-delimited fields, and skipping fixed-size ones.</summary>
    private static class Proto
    {
        private const int VarintType = 0, Fixed64Type = 1, LengthDelimitedType = 2, Fixed32Type = 5;

        private static IEnumerable<(int Field, int Wire, ulong Number, byte[]? Bytes)> Fields(byte[] message)
        {
            var position = 0;
            while (position < message.Length)
            {
                var tag = ReadVarint(message, ref position);
                var field = (int)(tag >> 3);
                var wire = (int)(tag & 7);
                switch (wire)
                {
                    case VarintType:
                        yield return (field, wire, ReadVarint(message, ref position), null);
                        break;
                    case Fixed64Type:
                        position += 8;
                        break;
                    case LengthDelimitedType:
                        var length = (int)ReadVarint(message, ref position);
                        yield return (field, wire, 0, message[position..(position + length)]);
                        position += length;
                        break;
                    case Fixed32Type:
                        position += 4;
                        break;
                    default:
                        throw new InvalidDataException($"protobuf wire type {wire} (field {field}) is not one OTLP uses");
                }
            }
        }

        private static ulong ReadVarint(byte[] message, ref int position)
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = message[position++];
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0) return value;
            }
        }

        public static IEnumerable<byte[]> Messages(byte[] message, int field) =>
            Fields(message).Where(f => f.Field == field && f.Wire == LengthDelimitedType).Select(f => f.Bytes!);

        public static byte[]? Bytes(byte[] message, int field) => Messages(message, field).LastOrDefault();

        public static string? String(byte[] message, int field) => Bytes(message, field) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

        public static bool Has(byte[] message, int field) => Fields(message).Any(f => f.Field == field);

        public static ulong Varint(byte[] message, int field) =>
            Fields(message).Where(f => f.Field == field && f.Wire == VarintType).Select(f => f.Number).LastOrDefault();
    }
}
