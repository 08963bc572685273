// Storing test cases: Comet's bulk writer against EF Core's tracked inserts (AddRange + SaveChanges), the same rows,
// the same SQLite database, interleaved rounds, medians. What a job's report collection spends in the database.
using System.Diagnostics;
using Comet.Application;
using Comet.Application.Common.Interfaces;
using Comet.Application.TestReports;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Comet.Domain.Testing;
using Comet.Infrastructure;
using Comet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

var rounds = args.Length > 0 ? int.Parse(args[0]) : 7;
var rows = args.Length > 1 ? int.Parse(args[1]) : 20_000;
const int batch = 2_000; // what ReportCollector writes at a time

var data = Directory.CreateTempSubdirectory("comet-bench-storage");
try
{
    var settings = new Dictionary<string, string?> { ["Comet:DataDir"] = data.FullName };
    await using var services = new ServiceCollection().AddLogging().AddApplication()
        // Database__Provider=postgres and ConnectionStrings__Comet=… measure PostgreSQL instead.
        .AddInfrastructure(new ConfigurationBuilder().AddInMemoryCollection(settings).AddEnvironmentVariables().Build()).BuildServiceProvider();
    await services.MigrateDatabaseAsync();

    Guid projectId, runId, jobId;
    await using (var scope = services.CreateAsyncScope())
    {
        var db = scope.ServiceProvider.GetRequiredService<CometDbContext>();
        var project = new Project("bench", "bench", "file:///tmp/bench", "main", Forge.Generic, ".comet.yml", "secret", DateTime.UtcNow);
        var run = new PipelineRun(project.Id, 1, "manual", "main", null, DateTime.UtcNow);
        var job = run.AddJob("test", [], allowFailure: false);
        db.Projects.Add(project);
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        (projectId, runId, jobId) = (project.Id, run.Id, job.Id);
    }

    // Like a pytest report: one case in twenty failed with a short stack trace.
    var stack = string.Concat(Enumerable.Repeat("  File \"tests/test_load.py\", line 12, in test_case\n", 6)) + "AssertionError: expected 1, got 2";
    List<TestCaseRecord> Cases() => Enumerable.Range(0, rows).Select(i =>
    {
        var (suite, className, name) = ("pytest", $"tests.test_load.Module{i % 50}", $"test_case_{i}");
        return new TestCaseRecord(projectId, runId, jobId, "test", 1, TestIdentity.Of("test", suite, className, name), suite, className, name,
            i % 20 == 0 ? TestStatus.Failed : TestStatus.Passed, DateTime.UtcNow)
        {
            DurationMs = i % 1000, Message = i % 20 == 0 ? "AssertionError: expected 1, got 2" : null, Details = i % 20 == 0 ? stack : null,
        };
    }).ToList();

    var timings = new Dictionary<string, List<double>> { ["bulk writer"] = [], ["EF tracked"] = [] };
    for (var round = 0; round <= rounds; round++) // round 0 warms up both
    {
        foreach (var mode in timings.Keys)
        {
            var records = Cases();
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CometDbContext>();
            var bulk = scope.ServiceProvider.GetRequiredService<IBulkWriter>();
            var clock = Stopwatch.StartNew();
            foreach (var chunk in records.Chunk(batch))
            {
                if (mode == "bulk writer")
                {
                    await bulk.InsertAsync(chunk, CancellationToken.None);
                    continue;
                }
                db.TestCases.AddRange(chunk);
                await db.SaveChangesAsync();
                foreach (var saved in chunk) db.Entry(saved).State = EntityState.Detached;
            }
            if (round > 0) timings[mode].Add(clock.Elapsed.TotalMicroseconds / rows);
            // The table would otherwise grow round by round and slow the later rounds down.
            await db.TestCases.ExecuteDeleteAsync();
        }
    }

    double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
    var provider = Environment.GetEnvironmentVariable("Database__Provider") ?? "sqlite";
    Console.WriteLine($"{rows} test cases in batches of {batch}, {provider}, {rounds} rounds, {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}:");
    foreach (var (mode, values) in timings)
        Console.WriteLine($"  {mode,-12} median {Median(values),7:0.0} µs per case  (rounds: {string.Join(", ", values.Select(v => v.ToString("0")))})");
    Console.WriteLine($"  EF tracked / bulk writer: {Median(timings["EF tracked"]) / Median(timings["bulk writer"]):0.00}×");
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    data.Delete(recursive: true);
}
