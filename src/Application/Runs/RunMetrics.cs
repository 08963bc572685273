using System.Diagnostics;
using System.Diagnostics.Metrics;
using Comet.Application.Common.Observability;

namespace Comet.Application.Runs;

/// <summary>
/// The CI's own instruments on the "Comet.Orchestrator" meter: how runs, jobs and steps end and how long they take,
/// how long jobs wait in the queue and how many wait now, how much log is written and how many test results are kept.
/// Each is recorded where the thing happens: status changes in <see cref="Changes.RunMetricsRecorder"/>, the queue in
/// the scheduler, bytes in the step log store, test cases in the report collector. Labels are statuses and outcomes
/// only (never a project or branch), so the number of series stays small and says nothing about what is built.
/// </summary>
public sealed class RunMetrics
{
    public const string MeterName = OrchestratorTelemetry.Name;

    /// <summary>Jobs and steps last from seconds to hours.</summary>
    private static readonly double[] DurationBuckets = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];

    /// <summary>A queue wait is a fraction of a second on an idle server, minutes behind a full one.</summary>
    private static readonly double[] WaitBuckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    private readonly Counter<long> _runsCompleted;
    private readonly Counter<long> _jobsCompleted;
    private readonly Histogram<double> _jobDuration;
    private readonly Histogram<double> _stepDuration;
    private readonly Histogram<double> _queueWait;
    private readonly Counter<long> _logBytes;
    private readonly Counter<long> _testsStored;
    private long _queueDepth;

    public RunMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _runsCompleted = meter.CreateCounter<long>("comet.runs.completed", "{run}",
            "Runs that ended, by final status (success, failed, cancelled, error). A retried run that ends again counts again.");
        _jobsCompleted = meter.CreateCounter<long>("comet.jobs.completed", "{job}",
            "Job attempts that ended, by final status (success, failed, cancelled, skipped, error).");
        _jobDuration = meter.CreateHistogram("comet.job.duration", "s", "How long a job attempt ran, from its claim to its end, by final status.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _stepDuration = meter.CreateHistogram("comet.step.duration", "s", "How long a step ran, by final status.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _queueWait = meter.CreateHistogram("comet.queue.wait", "s", "How long a job waited in the queue, from queued to claimed by a node.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = WaitBuckets });
        meter.CreateObservableGauge("comet.queue.depth", () => Interlocked.Read(ref _queueDepth), "{job}",
            "Jobs queued and not yet claimed, as of this node's latest dispatcher pass.");
        _logBytes = meter.CreateCounter<long>("comet.log.bytes", "By", "Bytes of step log written (after masking, before any truncation marker).");
        _testsStored = meter.CreateCounter<long>("comet.tests.stored", "{test}", "Test case results stored from reports, by outcome (passed, failed, error, skipped).");
    }

    public void RunCompleted(string status) => _runsCompleted.Add(1, new KeyValuePair<string, object?>("status", status));

    public void JobCompleted(string status, TimeSpan? ran)
    {
        var tag = new KeyValuePair<string, object?>("status", status);
        _jobsCompleted.Add(1, tag);
        if (ran is { } duration) _jobDuration.Record(Seconds(duration), tag);
    }

    public void StepCompleted(string status, TimeSpan ran) => _stepDuration.Record(Seconds(ran), new KeyValuePair<string, object?>("status", status));

    public void JobClaimed(TimeSpan waited)
    {
        _queueWait.Record(Seconds(waited));
        // The scheduler's next pass counts the queue again; until then, one fewer waits. Never below zero.
        long depth;
        do depth = Interlocked.Read(ref _queueDepth);
        while (depth > 0 && Interlocked.CompareExchange(ref _queueDepth, depth - 1, depth) != depth);
    }

    public void QueueDepthIs(long queued) => Interlocked.Exchange(ref _queueDepth, queued);

    public void LogWritten(int bytes) => _logBytes.Add(bytes);

    public void TestsStored(string outcome, long count)
    {
        if (count > 0) _testsStored.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>Clock steps between nodes can make a tiny negative span; a histogram takes none.</summary>
    private static double Seconds(TimeSpan span) => Math.Max(0, span.TotalSeconds);
}
