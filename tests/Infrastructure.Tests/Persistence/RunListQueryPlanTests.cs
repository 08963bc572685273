using System.Collections.Concurrent;
using System.Data.Common;
using Comet.Application.Projects.Commands;
using Comet.Application.Runs.Queries;
using Comet.Domain.Runs;
using Comet.Infrastructure.Persistence;
using Comet.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Infrastructure.Tests.Persistence;

/// <summary>
/// A project's run list paged by run number (before=) on SQLite with 20,000 runs: the SQL the use case really sends is
/// captured as it goes out and explained by SQLite on the same connection. What makes it fast at any depth is that
/// it reads a range of the (project_id, number) index, already in the order asked for, and counts nothing; a
/// timing would only say how fast this machine is today.
/// </summary>
public sealed class RunListQueryPlanTests
{
    private const int RunsPerProject = 10_000;
    private const string ProjectNumberIndex = "ix_pipeline_runs_project_id_number";

    private readonly QueryPlans _plans = new();
    private TestHost? _host;
    private string _slug = "";

    private TestHost Host => _host ?? throw new InvalidOperationException("OneTimeSetUp did not run.");

    [OneTimeSetUp]
    public async Task SeedTwentyThousandRuns()
    {
        _host = await TestHost.StartAsync(DatabaseProvider.Sqlite,
            configure: services => services.ConfigureDbContext<CometDbContext>(options => options.AddInterceptors(_plans)));
        _slug = (await Host.SendAsync(new CreateProjectCommand { Name = "Big", RepoUrl = "https://example.org/big.git" })).Slug;
        var other = (await Host.SendAsync(new CreateProjectCommand { Name = "Neighbour", RepoUrl = "https://example.org/n.git" })).Slug;
        foreach (var slug in new[] { _slug, other })
        {
            for (var from = 1; from <= RunsPerProject; from += 5_000)
                await Host.WithDbAsync(db => InsertRunsAsync(db, slug, from, Math.Min(from + 4_999, RunsPerProject)));
        }
    }

    [OneTimeTearDown]
    public async Task StopHost()
    {
        if (_host is not null) await _host.DisposeAsync();
    }

    private static async Task InsertRunsAsync(CometDbContext db, string slug, int first, int last)
    {
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var projectId = await db.Projects.Where(p => p.Slug == slug).Select(p => p.Id).SingleAsync();
        var start = TestHost.StartTime.UtcDateTime;
        for (var number = first; number <= last; number++)
        {
            var branch = number % 7 == 0 ? "feature" : "main";
            var run = new PipelineRun(projectId, number, number % 5 == 0 ? "manual" : "push", "refs/heads/" + branch, null, start.AddSeconds(number));
            run.Describe(branch, null, null, null);
            run.MoveTo(RunStatus.Running, start.AddSeconds(number));
            run.MoveTo(number % 3 == 0 ? RunStatus.Failed : RunStatus.Success, start.AddSeconds(number + 1));
            db.Runs.Add(run);
        }
        await db.SaveChangesAsync();
    }

    [TestCase(null, null, null)]
    [TestCase("failed", null, null)]
    [TestCase(null, "feature", null)]
    [TestCase(null, null, "manual")]
    [TestCase("success", "main", "push")]
    public async Task Paging_below_a_run_number_reads_a_range_of_the_project_number_index_and_counts_nothing(
        string? status, string? branch, string? @event)
    {
        _plans.Clear();

        var page = await Host.SendAsync(new ListRunsQuery { Slug = _slug, Status = status, Branch = branch, Event = @event, Before = 5_000, PageSize = 50 });

        var runQueries = _plans.Explained.Where(p => p.Sql.Contains("\"pipeline_runs\"", StringComparison.Ordinal)).ToList();
        Assert.That(runQueries, Has.Count.EqualTo(1), string.Join("\n\n", runQueries.Select(q => q.Sql)));
        var (sql, plan) = runQueries[0];
        var shown = $"{sql}\n\nplan:\n{string.Join("\n", plan)}";
        TestContext.Out.WriteLine(shown);
        Assert.Multiple(() =>
        {
            Assert.That(page.Items, Has.Count.EqualTo(50));
            Assert.That(page.Items.Select(i => i.Number), Is.All.LessThan(5_000));
            Assert.That(page.Items.Select(i => i.Number), Is.Ordered.Descending);
            Assert.That(sql, Does.Not.Contain("COUNT("), "no total is counted");
            Assert.That(plan, Has.Some.Contains($"USING INDEX {ProjectNumberIndex} (project_id=? AND number<?)"), shown);
            Assert.That(plan, Has.None.StartsWith("SCAN"), "no table or index is read whole: " + shown);
            Assert.That(plan, Has.None.Contains("TEMP B-TREE"), "the index gives the order; nothing is sorted: " + shown);
        });
    }

    /// <summary>Every command EF sends that reads runs, explained by SQLite with the same text and parameters.</summary>
    private sealed class QueryPlans : DbCommandInterceptor
    {
        private readonly ConcurrentQueue<(string Sql, List<string> Plan)> _explained = new();

        public IReadOnlyList<(string Sql, List<string> Plan)> Explained => [.. _explained];

        public void Clear() => _explained.Clear();

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase))
                _explained.Enqueue((command.CommandText, await ExplainAsync(command, cancellationToken)));
            return result;
        }

        private static async Task<List<string>> ExplainAsync(DbCommand command, CancellationToken cancellationToken)
        {
            await using var explain = command.Connection!.CreateCommand();
            explain.Transaction = command.Transaction;
            explain.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
            foreach (var parameter in command.Parameters.Cast<SqliteParameter>())
                explain.Parameters.Add(new SqliteParameter(parameter.ParameterName, parameter.Value));
            var lines = new List<string>();
            await using var reader = await explain.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) lines.Add(reader.GetString(3));
            return lines;
        }
    }
}
