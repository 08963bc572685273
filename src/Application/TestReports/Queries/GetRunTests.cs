using Comet.Application.Runs;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Projects;
using Comet.Domain.Testing;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.TestReports.Queries;

/// <summary>
/// A run's test results: totals per job attempt and for the run (each job's latest attempt), and the cases with the
/// failed ones first, with their messages.
/// </summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record GetRunTestsQuery(Guid RunId, int Limit = GetRunTestsQuery.DefaultLimit) : IRequest<RunTestsDto>, IRunRequest
{
    public const int DefaultLimit = 1000;
    public const int MaxLimit = 10_000;
}

public sealed class GetRunTestsValidator : AbstractValidator<GetRunTestsQuery>
{
    public GetRunTestsValidator() =>
        RuleFor(q => q.Limit).InclusiveBetween(1, GetRunTestsQuery.MaxLimit).WithMessage($"limit must be between 1 and {GetRunTestsQuery.MaxLimit}.");
}

public sealed class GetRunTestsHandler(ICometDbContext db) : IRequestHandler<GetRunTestsQuery, RunTestsDto>
{
    public async Task<RunTestsDto> Handle(GetRunTestsQuery request, CancellationToken cancellationToken)
    {
        await db.EnsureRunExistsAsync(request.RunId, cancellationToken);

        // Totals are counted by the database, so a run with a hundred thousand cases is not loaded to count it.
        var counts = await db.TestCases.Where(c => c.RunId == request.RunId)
            .GroupBy(c => new { c.JobId, c.JobName, c.Attempt, c.Status })
            .Select(g => new { g.Key.JobId, g.Key.JobName, g.Key.Attempt, g.Key.Status, Count = g.Count(), Flaky = g.Count(c => c.Flaky), Duration = g.Sum(c => c.DurationMs) ?? 0 })
            .ToListAsync(cancellationToken);
        var suites = await db.TestSuites.AsNoTracking().Where(s => s.RunId == request.RunId).ToListAsync(cancellationToken);

        // Flaky by the one rule (FlakyTests.IsFlakyInRun): the runner's mark, counted above, plus a pass on a retry of a
        // test that failed on an earlier attempt of its job. Only tests that failed somewhere in the run can be the latter.
        var firstFailures = (await db.TestCases.Where(c => c.RunId == request.RunId && (c.Status == TestStatus.Failed || c.Status == TestStatus.Error))
                .GroupBy(c => new { c.JobName, c.TestId })
                .Select(g => new { g.Key.JobName, g.Key.TestId, Attempt = g.Min(c => c.Attempt) })
                .ToListAsync(cancellationToken))
            .ToDictionary(f => (f.JobName, f.TestId), f => f.Attempt);
        var failedIds = firstFailures.Keys.Select(k => k.TestId).Distinct().ToList();
        var passedOnRetry = failedIds.Count == 0 ? [] : (await db.TestCases
                .Where(c => c.RunId == request.RunId && c.Status == TestStatus.Passed && !c.Flaky && c.Attempt > 1 && failedIds.Contains(c.TestId))
                .Select(c => new { c.JobId, c.JobName, c.TestId, c.Attempt })
                .ToListAsync(cancellationToken))
            .Where(c => FlakyTests.PassedOnRetry(TestStatus.Passed, c.Attempt, FirstFailure(firstFailures, c.JobName, c.TestId)))
            .ToList();

        var jobs = counts.GroupBy(c => (c.JobId, c.JobName, c.Attempt))
            .Select(job => new JobTestsDto(job.Key.JobId, job.Key.JobName, job.Key.Attempt,
                job.Aggregate(TestTotalsDto.Empty, (totals, c) => totals.Plus(Totals(c.Status, c.Count, c.Flaky, c.Duration)))
                    .Plus(TestTotalsDto.Empty with { Flaky = passedOnRetry.Count(p => p.JobId == job.Key.JobId) }),
                suites.Where(s => s.JobId == job.Key.JobId).OrderBy(s => s.Name, StringComparer.Ordinal)
                    .Select(s => new TestSuiteDto(s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, s.DurationMs)).ToList()))
            .OrderBy(j => j.JobName, StringComparer.Ordinal).ThenBy(j => j.Attempt)
            .ToList();
        var runTotals = LatestAttempts.Of(jobs, j => j.JobName, j => j.Attempt)
            .Aggregate(TestTotalsDto.Empty, (totals, job) => totals.Plus(job.Totals));

        var cases = await db.TestCases.AsNoTracking().Where(c => c.RunId == request.RunId)
            .OrderBy(c => c.Status == TestStatus.Failed || c.Status == TestStatus.Error ? 0 : c.Status == TestStatus.Skipped ? 2 : 1)
            // NULLs sort first in SQLite and last in PostgreSQL: a case without a class is put first on both, explicitly.
            .ThenBy(c => c.JobName).ThenBy(c => c.Attempt).ThenBy(c => c.Suite).ThenBy(c => c.ClassName != null).ThenBy(c => c.ClassName).ThenBy(c => c.Name)
            .Take(request.Limit + 1)
            .Select(c => new TestCaseDto(c.TestId, c.JobId, c.JobName, c.Attempt, c.Suite, c.ClassName, c.Name, c.File, c.DurationMs,
                c.Status, c.Message, c.Details, c.Flaky))
            .ToListAsync(cancellationToken);
        cases = cases.Select(c => c with { Flaky = FlakyTests.IsFlakyInRun(c.Status, c.Flaky, c.Attempt, FirstFailure(firstFailures, c.JobName, c.TestId)) }).ToList();
        var truncated = cases.Count > request.Limit;
        return new RunTestsDto(request.RunId, runTotals, jobs, truncated ? cases[..request.Limit] : cases, truncated);
    }

    private static int? FirstFailure(Dictionary<(string JobName, string TestId), int> firstFailures, string jobName, string testId) =>
        firstFailures.TryGetValue((jobName, testId), out var attempt) ? attempt : null;

    private static TestTotalsDto Totals(TestStatus status, int count, int flaky, double duration) => new(
        count,
        status == TestStatus.Passed ? count : 0,
        status == TestStatus.Failed ? count : 0,
        status == TestStatus.Error ? count : 0,
        status == TestStatus.Skipped ? count : 0,
        flaky,
        duration);
}
