using System.Diagnostics;
using System.Text.Json;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Runs;
using Comet.Orchestrator.Tests.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests.Pipelines;

/// <summary>
/// The lease heartbeat under pressure: with a 1-second lease, a job that runs for seconds and then stores a report of
/// 30,000 test cases (one big insert) keeps its lease renewed the whole time, and every job ends in the status its steps
/// earned, with nothing said about the lease. The lease is read from the job row while the job runs, as another node
/// deciding whether the job was lost would read it.
/// </summary>
public sealed class LeaseTests : PipelineTestBase
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(1);
    private const int Cases = 30_000;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Runner:LeaseDuration"] = "00:00:01",
    };

    [Test]
    public async Task With_a_one_second_lease_a_long_job_with_a_big_report_keeps_its_lease_renewed_and_every_job_ends_in_its_true_status()
    {
        var (_, project) = await ProjectWithAsync($$"""
            jobs:
              long:
                steps:
                  - run: |
                      sleep 4
                      mkdir -p reports
                      python3 - <<'EOF'
                      with open("reports/junit.xml", "w") as out:
                          out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="big" tests="{{Cases}}">\n')
                          for i in range({{Cases}}):
                              out.write(f'<testcase classname="big.Suite{i // 1000}" name="case_{i}" time="0.001"/>\n')
                          out.write('</testsuite>\n')
                      EOF
                      echo "report written"
                reports:
                  junit: ["reports/junit.xml"]
              short:
                steps:
                  - run: echo short
            """);

        var started = await Client.TriggerAsync(project.Slug);
        var samples = await WatchLeaseAsync(started.Id, "long");
        var run = await Client.WaitForEndAsync(started.Id);

        var running = samples.Where(s => s.Status == JobStatus.Running).ToList();
        var expiries = running.Select(s => s.ExpiresAt!.Value).Distinct().ToList();
        var renewalGaps = expiries.Zip(expiries.Skip(1), (a, b) => b - a).ToList();
        // Renewals are a third of the lease apart; a watcher that reads more often than that sees every one of them.
        // An expiry is computed when a renewal starts, so the gaps between expiries say when the heartbeat beat, and
        // the samples say what the database showed meanwhile (a renewal that waits for the write lock lands late).
        var watchGaps = running.Zip(running.Skip(1), (a, b) => b.At - a.At).ToList();
        var worstMargin = running.Count == 0 ? TimeSpan.Zero : running.Min(s => s.ExpiresAt!.Value - s.At);
        var longJob = run.Job("long");
        var stepsEnded = longJob.Steps.Max(s => s.FinishedAt!.Value);
        var keepingOutputs = running.Count(s => s.At >= stepsEnded);
        TestContext.Out.WriteLine($"{run}: {running.Count} samples while running, {expiries.Count} renewals seen, " +
                                  $"longest gap between renewals {(renewalGaps.Count == 0 ? 0 : renewalGaps.Max().TotalMilliseconds):0} ms, " +
                                  $"longest gap between reads {(watchGaps.Count == 0 ? 0 : watchGaps.Max().TotalMilliseconds):0} ms, " +
                                  $"smallest margin before expiry {worstMargin.TotalMilliseconds:0} ms; reports and artifacts kept in " +
                                  $"{(longJob.FinishedAt!.Value - stepsEnded).TotalMilliseconds:0} ms ({keepingOutputs} samples then)");

        var warnings = new Dictionary<string, List<string>>();
        foreach (var name in new[] { "long", "short" }) warnings[name] = await Client.JobWarningsAsync(run.Id, name);
        var totals = (await Client.RunTestsAsync(run.Id)).GetProperty("totals");

        // The timeline, one line per renewal seen and per sample that found the lease expired.
        TestContext.Out.WriteLine(string.Join("\n", samples
            .Where((s, i) => i == 0 || s.ExpiresAt != samples[i - 1].ExpiresAt || s.At > s.ExpiresAt)
            .Select(s => $"{s.At:HH:mm:ss.fff} {s.Status} lease until {s.ExpiresAt:HH:mm:ss.fff}{(s.At > s.ExpiresAt ? "  EXPIRED" : "")}")));
        Assert.Multiple(() =>
        {
            Assert.That(running, Has.Count.GreaterThanOrEqualTo(20), "the job row was watched while the job ran");
            Assert.That(running, Has.All.Matches<LeaseSample>(s => s.ExpiresAt is not null), "a running job always has a lease");
            Assert.That(watchGaps, Has.All.LessThan(Lease / 3), "the watcher missed renewals: it cannot tell whether the lease lapsed");
            Assert.That(expiries, Is.Ordered, "the lease only ever moved forward");
            Assert.That(expiries, Has.Count.GreaterThanOrEqualTo((int)(longJob.FinishedAt!.Value - longJob.StartedAt!.Value).TotalSeconds),
                "the lease was renewed at least once a second");
            Assert.That(renewalGaps, Has.All.LessThanOrEqualTo(Lease), "the lease lapsed between two renewals");
            Assert.That(running.Where(s => s.At > s.ExpiresAt).Select(s => $"{s.At:HH:mm:ss.fff} > {s.ExpiresAt:HH:mm:ss.fff}"), Is.Empty,
                "the job was seen running with its lease expired");
            Assert.That(keepingOutputs, Is.GreaterThan(0), "the lease was watched while the report was stored too");

            Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
            Assert.That(run.Jobs.Select(j => (j.Name, j.Status, j.Note)), Is.EquivalentTo(new (string, string, string?)[]
            {
                ("long", "success", null), ("short", "success", null),
            }), run.ToString());
            Assert.That(totals.Int("tests"), Is.EqualTo(Cases), "every case of the big report was stored");
            Assert.That(totals.Int("passed"), Is.EqualTo(Cases));
            Assert.That(warnings["long"], Is.Empty, "the long job has warnings");
            Assert.That(warnings["short"], Is.Empty, "the short job has warnings");
            Assert.That(LeaseComplaints(), Is.Empty, "the orchestrator logged a problem with a lease");
        });
    }

    private sealed record LeaseSample(DateTime At, JobStatus Status, DateTime? ExpiresAt);

    /// <summary>
    /// Reads the job's status and lease every 50 ms until it has ended, on a thread of its own with synchronous reads,
    /// as another node would: the server's thread pool being busy must not make the watcher miss renewals. Each
    /// sample's time is taken before the read, so a lease seen expired really had expired by the time the row was read.
    /// </summary>
    private Task<List<LeaseSample>> WatchLeaseAsync(Guid runId, string jobName) => Task.Factory.StartNew(() =>
    {
        var samples = new List<LeaseSample>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < PipelineApi.RunTimeout)
        {
            var at = DateTime.UtcNow;
            using (var scope = Factory.Services.CreateScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
                var job = db.Jobs.AsNoTracking()
                    .Where(j => j.RunId == runId && j.Name == jobName)
                    .Select(j => new { j.Status, j.LeaseExpiresAt })
                    .FirstOrDefault();
                if (job is not null)
                {
                    samples.Add(new LeaseSample(at, job.Status, job.LeaseExpiresAt));
                    if (job.Status is JobStatus.Success or JobStatus.Failed or JobStatus.Error or JobStatus.Cancelled or JobStatus.Skipped)
                        return samples;
                }
            }
            Thread.Sleep(50);
        }
        Assert.Fail($"job {jobName} did not end within {PipelineApi.RunTimeout.TotalSeconds:0} s");
        return samples;
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Warnings and errors in the orchestrator's log that speak of a lease, and any job the heartbeat found taken away.</summary>
    private List<string> LeaseComplaints()
    {
        var file = Path.Combine(Factory.DataDir, "logs", "orchestrator.log");
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var complaints = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            using var entry = JsonDocument.Parse(line);
            var level = entry.RootElement.GetProperty("level").GetString();
            var complaint = level is "Warning" or "Error" or "Critical";
            if ((complaint && line.Contains("lease", StringComparison.OrdinalIgnoreCase)) || line.Contains("is no longer running here", StringComparison.Ordinal))
                complaints.Add(line);
        }
        return complaints;
    }
}
