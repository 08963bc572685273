using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Comet.Hosting.Observability;

/// <summary>
/// Collects the measurements of Comet's <see cref="Meter"/>s (System.Diagnostics.Metrics) and writes them in the
/// Prometheus text format (0.0.4). Counters become <c>_total</c> series, histograms cumulative buckets with
/// <c>_sum</c> and <c>_count</c>, observable gauges are read at scrape time. Names: dots become underscores and a
/// unit of "s" adds <c>_seconds</c>.
/// </summary>
public sealed class PrometheusMetrics : IDisposable
{
    /// <summary>Upper bounds in seconds: from sub-millisecond proxying to minute-long log streams.</summary>
    private static readonly double[] Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Family> _families = new();
    private readonly Lock _scrapeLock = new();

    /// <param name="scope">Only meters made by this factory: several hosts in one process (tests) keep their own figures.</param>
    /// <param name="meterNames">The meters to export.</param>
    public PrometheusMetrics(IMeterFactory scope, params string[] meterNames)
    {
        var names = meterNames.ToHashSet(StringComparer.Ordinal);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!names.Contains(instrument.Meter.Name) || !ReferenceEquals(instrument.Meter.Scope, scope)) return;
            _families[instrument] = new Family(instrument);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public string Scrape()
    {
        lock (_scrapeLock)
        {
            foreach (var family in _families.Values.Where(f => f.IsObservable)) family.Series.Clear();
            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var family in _families.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
                family.WriteTo(text);
            return text.ToString();
        }
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_families.TryGetValue(instrument, out var family)) family.Record(value, tags);
    }

    public void Dispose() => _listener.Dispose();

    private sealed class Family
    {
        private readonly Instrument _instrument;
        private readonly Kind _kind;

        public Family(Instrument instrument)
        {
            _instrument = instrument;
            var type = instrument.GetType().GetGenericTypeDefinition();
            _kind = type == typeof(Histogram<>) ? Kind.Histogram
                : type == typeof(Counter<>) || type == typeof(ObservableCounter<>) ? Kind.Counter
                : Kind.Gauge;
            IsObservable = instrument.IsObservable;
            var name = instrument.Name.Replace('.', '_').Replace('-', '_');
            if (instrument.Unit == "s") name += "_seconds";
            Name = name;
        }

        public string Name { get; }
        public bool IsObservable { get; }
        public ConcurrentDictionary<SeriesKey, Series> Series { get; } = new();

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            // Looked up by the tag values themselves; the label text is made once, when a series first appears.
            var key = new SeriesKey(tags);
            if (!Series.TryGetValue(key, out var series))
                series = Series.GetOrAdd(key, static k => new Series(Labels(k)));
            lock (series)
            {
                switch (_kind)
                {
                    case Kind.Histogram:
                        series.Buckets ??= new long[Buckets.Length];
                        for (var i = 0; i < Buckets.Length; i++)
                            if (value <= Buckets[i]) series.Buckets[i]++;
                        series.Sum += value;
                        series.Count++;
                        break;
                    case Kind.Counter when !IsObservable:
                        series.Sum += value;
                        break;
                    default:
                        series.Sum = value; // gauges and observable counters report the current value
                        break;
                }
            }
        }

        public void WriteTo(StringBuilder text)
        {
            if (Series.IsEmpty) return;
            var metric = _kind == Kind.Counter ? Name + "_total" : Name;
            if (!string.IsNullOrEmpty(_instrument.Description)) text.Append("# HELP ").Append(metric).Append(' ').Append(_instrument.Description).Append('\n');
            text.Append("# TYPE ").Append(metric).Append(' ').Append(_kind switch { Kind.Histogram => "histogram", Kind.Counter => "counter", _ => "gauge" }).Append('\n');
            foreach (var series in Series.Values.OrderBy(s => s.Labels, StringComparer.Ordinal))
            {
                var labels = series.Labels;
                lock (series)
                {
                    if (_kind != Kind.Histogram)
                    {
                        text.Append(metric).Append(Braced(labels)).Append(' ').Append(Number(series.Sum)).Append('\n');
                        continue;
                    }
                    for (var i = 0; i < Buckets.Length; i++)
                        text.Append(Name).Append("_bucket").Append(Braced(Join(labels, $"le=\"{Number(Buckets[i])}\""))).Append(' ').Append(series.Buckets![i]).Append('\n');
                    text.Append(Name).Append("_bucket").Append(Braced(Join(labels, "le=\"+Inf\""))).Append(' ').Append(series.Count).Append('\n');
                    text.Append(Name).Append("_sum").Append(Braced(labels)).Append(' ').Append(Number(series.Sum)).Append('\n');
                    text.Append(Name).Append("_count").Append(Braced(labels)).Append(' ').Append(series.Count).Append('\n');
                }
            }
        }

        private static string Labels(SeriesKey key) => string.Join(',', key.Tags.Select(t => $"{t.Key.Replace('.', '_')}=\"{Escape(Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? "")}\""));

        private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
        private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;
        private static string Braced(string labels) => labels.Length == 0 ? "" : "{" + labels + "}";
        private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }

    private sealed class Series(string labels)
    {
        public string Labels { get; } = labels;
        public double Sum;
        public long Count;
        public long[]? Buckets;
    }

    private enum Kind { Counter, Gauge, Histogram }

    /// <summary>A measurement's tags as a dictionary key, in name order whatever order they were recorded in.</summary>
    private readonly struct SeriesKey : IEquatable<SeriesKey>
    {
        public SeriesKey(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            Tags = tags.ToArray();
            // Insertion sort: a handful of tags, and no comparer allocated per measurement.
            for (var i = 1; i < Tags.Length; i++)
                for (var j = i; j > 0 && string.CompareOrdinal(Tags[j - 1].Key, Tags[j].Key) > 0; j--)
                    (Tags[j - 1], Tags[j]) = (Tags[j], Tags[j - 1]);
            var hash = new HashCode();
            foreach (var (name, value) in Tags)
            {
                hash.Add(name);
                hash.Add(value);
            }
            _hash = hash.ToHashCode();
        }

        private readonly int _hash;

        public KeyValuePair<string, object?>[] Tags { get; }

        public bool Equals(SeriesKey other)
        {
            if (_hash != other._hash || Tags.Length != other.Tags.Length) return false;
            for (var i = 0; i < Tags.Length; i++)
                if (Tags[i].Key != other.Tags[i].Key || !Equals(Tags[i].Value, other.Tags[i].Value)) return false;
            return true;
        }

        public override bool Equals(object? obj) => obj is SeriesKey other && Equals(other);
        public override int GetHashCode() => _hash;
    }
}
