using Comet.Application.Runs.Execution;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Comet.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Infrastructure.Tests.Persistence;

/// <summary>
/// The claim with concurrency groups, as several dispatchers sharing one database run it: claims racing from separate
/// scopes (separate connections) never start more jobs of a group than its limit, leave other groups and ungrouped
/// jobs alone, and take a group's jobs in queue order.
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
public sealed class ConcurrencyClaimTests(string providerName)
{
    private TestHost? _host;

    private TestHost Host => _host ?? throw new InvalidOperationException("SetUp did not run.");

    [SetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(DatabaseProviders.Parse(providerName));

    [TearDown]
    public async Task StopHost()
    {
        // Null when the PostgreSQL fixture was skipped (no server started).
        if (_host is not null) await _host.DisposeAsync();
        _host = null;
    }

    [Test]
    public async Task Racing_claims_start_at_most_the_limit_of_a_group_and_everything_outside_it()
    {
        var projectId = await SeedAsync(("deploy", 2, 6), ("docs", 1, 3), (null, 0, 4));

        var claimed = (await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(ClaimAllAsync)))).SelectMany(c => c).ToList();

        var running = await Host.WithDbAsync(db => db.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Running)
            .Select(j => new { j.Id, j.ConcurrencyKey }).ToListAsync());
        Assert.That(claimed, Is.Unique, "no job was claimed twice");
        Assert.That(claimed, Has.Count.EqualTo(running.Count));
        Assert.That(running.Count(j => j.ConcurrencyKey == ConcurrencyGroups.KeyOf(projectId, "deploy")), Is.EqualTo(2));
        Assert.That(running.Count(j => j.ConcurrencyKey == ConcurrencyGroups.KeyOf(projectId, "docs")), Is.EqualTo(1));
        Assert.That(running.Count(j => j.ConcurrencyKey == null), Is.EqualTo(4));
    }

    [Test]
    public async Task Round_after_round_of_racing_claims_never_start_two_jobs_of_a_group_of_one()
    {
        // The window between counting and claiming is a few microseconds; many rounds give the race its chances.
        for (var round = 0; round < 25; round++)
        {
            await SeedAsync(("deploy", 1, 8));
            using var start = new ManualResetEventSlim();
            var claims = Enumerable.Range(0, 8).Select(_ => Task.Run(async () => { start.Wait(); return await ClaimOneAsync(); })).ToList();
            start.Set();
            var claimed = (await Task.WhenAll(claims)).Where(c => c is not null).ToList();
            Assert.That(claimed, Has.Count.EqualTo(1), $"round {round + 1}: one job of the group of one runs");
            // The round's jobs leave the queue, so the next round's group is the only work there is.
            await Host.WithDbAsync(db => db.Jobs.Where(j => j.Status == JobStatus.Running || j.Status == JobStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Success)));
        }
    }

    [Test]
    public async Task A_group_that_frees_a_place_gives_it_to_its_oldest_queued_job()
    {
        await SeedAsync(("deploy", 1, 3));
        var first = await ClaimOneAsync();
        Assert.That(await ClaimOneAsync(), Is.Null, "the group is full");

        await Host.WithDbAsync(async db =>
        {
            var job = await db.Jobs.FirstAsync(j => j.Id == first);
            job.MoveTo(JobStatus.Success, Host.Clock.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync();
        });
        var next = await ClaimOneAsync();

        var order = await Host.WithDbAsync(db => db.Jobs.AsNoTracking().OrderBy(j => j.Position).Select(j => j.Id).ToListAsync());
        Assert.That(new[] { first, next }, Is.EqualTo(order.Take(2).Cast<Guid?>()), "claimed in queue order");
    }

    [Test]
    public async Task Round_after_round_of_racing_claims_never_start_two_deploys_under_one_environments_lock()
    {
        for (var round = 0; round < 25; round++)
        {
            await SeedDeploysAsync(count: 6);
            using var start = new ManualResetEventSlim();
            var claims = Enumerable.Range(0, 8).Select(_ => Task.Run(async () => { start.Wait(); return await ClaimOneAsync(); })).ToList();
            start.Set();
            var claimed = (await Task.WhenAll(claims)).Where(c => c is not null).ToList();
            Assert.That(claimed, Has.Count.EqualTo(1), $"round {round + 1}: one deploy to the locked environment runs");
            await Host.WithDbAsync(db => db.Jobs.Where(j => j.Status == JobStatus.Running || j.Status == JobStatus.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Success)));
        }
    }

    /// <summary>A project with <paramref name="count"/> runs, each with one deploy queued under the production lock.</summary>
    private async Task SeedDeploysAsync(int count)
    {
        await Host.WithDbAsync(async db =>
        {
            var now = Host.Clock.GetUtcNow().UtcDateTime;
            var project = new Project("deploys " + Guid.NewGuid().ToString("N")[..8], "deploys-" + Guid.NewGuid().ToString("N")[..8],
                "https://example.com/a.git", "main", Forge.Generic, ".comet.yml", "secret", now);
            db.Projects.Add(project);
            for (var i = 0; i < count; i++)
            {
                var run = new PipelineRun(project.Id, i + 1, "manual", "refs/heads/main", new string('a', 40), now);
                var job = run.AddJob("deploy", [], allowFailure: false);
                job.Gate("production", manual: false, approvalRequired: false);
                job.Queue(now.AddMilliseconds(i), ConcurrencyGroups.KeyOf(project.Id, "production"));
                db.Runs.Add(run);
            }
            await db.SaveChangesAsync();
        });
    }

    /// <summary>A run with, per (group, limit, count), that many queued jobs (group null: no group), queued one millisecond apart.</summary>
    private async Task<Guid> SeedAsync(params (string? Group, int Limit, int Count)[] jobs)
    {
        return await Host.WithDbAsync(async db =>
        {
            var now = Host.Clock.GetUtcNow().UtcDateTime;
            var project = new Project("queue " + Guid.NewGuid().ToString("N")[..8], "queue-" + Guid.NewGuid().ToString("N")[..8], "https://example.com/a.git",
                "main", Forge.Generic, ".comet.yml", "secret", now);
            var run = new PipelineRun(project.Id, 1, "manual", "refs/heads/main", new string('a', 40), now);
            var n = 0;
            foreach (var (group, limit, count) in jobs)
            {
                for (var i = 0; i < count; i++)
                {
                    var job = run.AddJob($"{group ?? "free"}-{i}", [], allowFailure: false);
                    if (group is not null) job.JoinConcurrencyGroup(project.Id, group, limit);
                    job.MoveTo(JobStatus.Queued, now.AddMilliseconds(n++));
                }
            }
            db.Projects.Add(project);
            db.Runs.Add(run);
            await db.SaveChangesAsync();
            return project.Id;
        });
    }

    private async Task<Guid?> ClaimOneAsync()
    {
        await using var scope = Host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RunScheduler>().ClaimNextAsync(CancellationToken.None);
    }

    private async Task<List<Guid>> ClaimAllAsync()
    {
        var claimed = new List<Guid>();
        while (await ClaimOneAsync() is { } id) claimed.Add(id);
        return claimed;
    }
}
