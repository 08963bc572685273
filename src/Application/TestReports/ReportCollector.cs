using Comet.Application.Common.Interfaces;
using Comet.Application.Pipelines;
using Comet.Application.Runs;
using Comet.Domain.Common;
using Comet.Domain.Runs;
using Comet.Domain.Testing;
using Microsoft.Extensions.Logging;

namespace Comet.Application.TestReports;

/// <summary>
/// After a job's steps (passed or failed): reads the files its <c>reports:</c> globs match — test results and
/// Cobertura coverage — and stores them for this job attempt. A missing, unreadable or malformed report becomes a
/// job warning; it never changes the job's status.
/// </summary>
public sealed class ReportCollector(ICometDbContext db, IBulkWriter bulk, RunMetrics metrics, TimeProvider clock,
    ILogger<ReportCollector> logger)
{
    /// <summary>A bigger report file is not read (a 100 MB report is already far past any real suite).</summary>
    public const long MaxReportBytes = 512L * 1024 * 1024;

    /// <summary>Test cases are written in batches, so a very large report does not sit in one transaction.</summary>
    private const int BatchSize = 2_000;

    public async Task CollectAsync(Job job, PipelineRun run, ReportDefinition reports, IJobFiles files, CancellationToken cancellationToken)
    {
        if (reports.Junit.Count > 0) await CollectTestsAsync(job, run, reports.Junit, files, cancellationToken);
        if (reports.Coverage.Count > 0) CollectCoverage(job, run, reports.Coverage, files);
    }

    private async Task CollectTestsAsync(Job job, PipelineRun run, IReadOnlyList<string> globs, IJobFiles files, CancellationToken cancellationToken)
    {
        var now = Now();
        var started = clock.GetTimestamp();
        var pending = new List<TestCaseRecord>();
        int stored = 0, reports = 0;
        var byOutcome = new long[Enum.GetValues<TestStatus>().Length];
        foreach (var file in Find(job, "junit", globs, files))
        {
            if (Open(job, files, file) is not { } stream) continue;
            await using (stream)
            {
                // Cases are stored as they are read, a batch at a time: a huge report never sits in memory whole.
                var reading = TestReportParser.Read(stream, file.RelativePath);
                foreach (var result in reading.Cases())
                {
                    var record = Record(job, run, result, now);
                    pending.Add(record);
                    stored++;
                    byOutcome[(int)record.Status]++;
                    if (pending.Count >= BatchSize) await SaveBatchAsync(pending, cancellationToken);
                }
                reports++;
                foreach (var warning in reading.Warnings) job.Warn($"reports: {warning}");
                foreach (var suite in reading.Suites)
                    db.TestSuites.Add(new TestSuiteRecord(run.Id, job.Id, Fit(suite.Name, TestSuiteRecord.MaxNameLength)!, suite.Tests, suite.Failures,
                        suite.Errors, suite.Skipped, suite.Duration?.TotalMilliseconds));
            }
        }
        await SaveBatchAsync(pending, cancellationToken);
        // Counted once all are written: a report that fails half-way is not counted at all.
        foreach (var status in Enum.GetValues<TestStatus>()) metrics.TestsStored(StatusName.Of(status), byOutcome[(int)status]);
        logger.LogInformation("Job {JobId} ({JobName}): {Cases} test cases from {Reports} report files stored in {ElapsedMs:0} ms",
            job.Id, job.Name, stored, reports, clock.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <remarks>
    /// The test id is made from the whole names, so two long parameterised names that differ only past the cut stay
    /// two tests; what is stored and shown is cut to the columns' sizes (a parameterised test's name can be kilobytes).
    /// </remarks>
    private static TestCaseRecord Record(Job job, PipelineRun run, TestCaseResult result, DateTime now) =>
        new(run.ProjectId, run.Id, job.Id, job.Name, job.Attempt, TestIdentity.Of(job.Name, result.Suite, result.ClassName, result.Name),
            Fit(result.Suite, TestCaseRecord.MaxSuiteLength)!, Fit(result.ClassName, TestCaseRecord.MaxClassNameLength),
            Fit(result.Name, TestCaseRecord.MaxNameLength)!, StatusOf(result.Outcome), now)
        {
            File = Fit(result.File, TestCaseRecord.MaxFileLength),
            DurationMs = result.Duration?.TotalMilliseconds,
            Message = result.Message,
            Details = result.Details,
            Flaky = result.Flaky,
            CommitSha = run.Sha,
            Branch = run.Branch,
        };

    private async Task SaveBatchAsync(List<TestCaseRecord> batch, CancellationToken cancellationToken)
    {
        // Written without change tracking: nothing reads these rows again here, and memory stays flat on a big report.
        await bulk.InsertAsync(batch, cancellationToken);
        batch.Clear();
    }

    private void CollectCoverage(Job job, PipelineRun run, IReadOnlyList<string> globs, IJobFiles files)
    {
        var counts = CoverageCounts.None;
        var entries = new List<CoverageFileEntry>();
        var read = 0;
        foreach (var file in Find(job, "coverage", globs, files))
        {
            if (Open(job, files, file) is not { } stream) continue;
            CoverageReport report;
            using (stream) report = CoberturaParser.Parse(stream, file.RelativePath);
            foreach (var warning in report.Warnings) job.Warn($"reports: {warning}");
            // Several coverage files of one job (one per test project, say) add up.
            counts = counts.Plus(new CoverageCounts(report.LinesCovered, report.LinesValid, report.BranchesCovered, report.BranchesValid));
            entries.AddRange(report.Files.Select(f => new CoverageFileEntry(f.Path, f.LinesCovered, f.LinesValid, f.BranchesCovered, f.BranchesValid)));
            read++;
        }
        if (read == 0) return;
        db.Coverage.Add(new CoverageRecord(run.ProjectId, run.Id, job.Id, job.Name, job.Attempt, counts,
            entries.OrderBy(e => e.Path, StringComparer.Ordinal), run.Branch, run.Sha, Now()));
    }

    private static IReadOnlyList<WorkspaceFile> Find(Job job, string kind, IReadOnlyList<string> globs, IJobFiles files)
    {
        var match = files.Find(globs);
        foreach (var warning in match.Warnings) job.Warn($"reports: {warning}");
        foreach (var glob in match.UnmatchedGlobs) job.Warn($"reports: no file matched the {kind} report '{glob}'");
        return match.Files;
    }

    /// <summary>The report file to read, or null (with a job warning) when it is too big or cannot be opened.</summary>
    private static Stream? Open(Job job, IJobFiles files, WorkspaceFile file)
    {
        if (file.Size > MaxReportBytes)
        {
            job.Warn($"reports: {file.RelativePath} was not read: it has {file.Size} bytes, more than the limit of {MaxReportBytes}");
            return null;
        }
        try
        {
            return files.OpenRead(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            job.Warn($"reports: {file.RelativePath} could not be read: {ex.Message}");
            return null;
        }
    }

    /// <summary><paramref name="text"/> cut to at most <paramref name="max"/> characters, ending in '…' when cut (never inside a surrogate pair).</summary>
    private static string? Fit(string? text, int max) =>
        text is null || text.Length <= max ? text : text[..TestReportParser.WholeCharacters(text, max - 1)] + "…";

    private static TestStatus StatusOf(TestOutcome outcome) => outcome switch
    {
        TestOutcome.Passed => TestStatus.Passed,
        TestOutcome.Failed => TestStatus.Failed,
        TestOutcome.Error => TestStatus.Error,
        _ => TestStatus.Skipped,
    };

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}
