using Comet.Application.Projects.Commands;
using Comet.Application.Runs;
using Comet.Application.Runs.Queries;
using Comet.Domain.Runs;
using Comet.TestSupport;
using FluentValidation;

namespace Comet.Application.Tests.Runs;

/// <summary>
/// The run lists on a real database (SQLite, and PostgreSQL when COMET_TEST_POSTGRES is set): a project's runs by page
/// and by run number, the newest runs across projects, and the admin's queue. Runs are written as the planner leaves
/// them, straight into the database, so each test knows exactly which runs exist.
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
public sealed class RunListTests(string providerName)
{
    private readonly DatabaseProvider _provider = DatabaseProviders.Parse(providerName);
    private TestHost? _host;

    private TestHost Host => _host ?? throw new InvalidOperationException("SetUp did not run.");

    [SetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(_provider);

    [TearDown]
    public async Task StopHost()
    {
        if (_host is not null) await _host.DisposeAsync();
        _host = null;
    }

    private sealed record Seed(long Number, RunStatus Status, string Branch, string Event);

    private async Task<string> ProjectAsync(string name) =>
        (await Host.SendAsync(new CreateProjectCommand { Name = name, RepoUrl = "https://example.org/team/" + name + ".git" })).Slug;

    /// <summary>Runs 1…count of a project: branches, events and statuses in a pattern that no page boundary lines up with.</summary>
    private async Task<List<Seed>> SeedRunsAsync(string slug, int count)
    {
        var seeds = Enumerable.Range(1, count).Select(n => new Seed(n,
            n % 3 == 0 ? RunStatus.Failed : RunStatus.Success,
            n % 4 == 0 ? "feature" : "main",
            n % 5 == 0 ? "manual" : "push")).ToList();
        await Host.WithDbAsync(async db =>
        {
            var projectId = db.Projects.Single(p => p.Slug == slug).Id;
            foreach (var seed in seeds)
            {
                var run = new PipelineRun(projectId, seed.Number, seed.Event, "refs/heads/" + seed.Branch, new string('a', 40),
                    T0.AddMinutes(seed.Number));
                run.Describe(seed.Branch, null, $"commit {seed.Number}", null);
                run.MoveTo(RunStatus.Running, T0.AddMinutes(seed.Number));
                run.MoveTo(seed.Status, T0.AddMinutes(seed.Number + 1));
                db.Runs.Add(run);
            }
            await db.SaveChangesAsync();
        });
        return seeds;
    }

    private static readonly DateTime T0 = TestHost.StartTime.UtcDateTime;

    /// <summary>Follows nextBefore from the first page (by page number) to the end, as a table's "older" button does.</summary>
    private async Task<(List<long> Numbers, List<RunPage> Pages)> WalkAsync(ListRunsQuery first)
    {
        var pages = new List<RunPage> { await Host.SendAsync(first) };
        while (pages[^1].NextBefore is { } before && pages.Count < 100)
            pages.Add(await Host.SendAsync(first with { Before = before }));
        return (pages.SelectMany(p => p.Items.Select(i => i.Number)).ToList(), pages);
    }

    public static IEnumerable<TestCaseData> Filters()
    {
        yield return new TestCaseData(null, null, null).SetName("Keyset_paging_without_filters_returns_every_run_once_newest_first");
        yield return new TestCaseData("failed", null, null).SetName("Keyset_paging_by_status_returns_every_matching_run_once");
        yield return new TestCaseData(null, "feature", null).SetName("Keyset_paging_by_branch_returns_every_matching_run_once");
        yield return new TestCaseData(null, null, "manual").SetName("Keyset_paging_by_event_returns_every_matching_run_once");
        yield return new TestCaseData("success", "main", "push").SetName("Keyset_paging_by_status_branch_and_event_returns_every_matching_run_once");
    }

    [TestCaseSource(nameof(Filters))]
    public async Task Keyset_paging_with_filters(string? status, string? branch, string? @event)
    {
        var slug = await ProjectAsync("paged");
        var seeds = await SeedRunsAsync(slug, 47);
        var other = await ProjectAsync("other");
        await SeedRunsAsync(other, 12);
        var expected = seeds
            .Where(s => status is null || Domain.Common.StatusName.Of(s.Status) == status)
            .Where(s => branch is null || s.Branch == branch)
            .Where(s => @event is null || s.Event == @event)
            .Select(s => s.Number).OrderDescending().ToList();

        var (numbers, pages) = await WalkAsync(new ListRunsQuery { Slug = slug, Status = status, Branch = branch, Event = @event, PageSize = 4 });

        Assert.Multiple(() =>
        {
            Assert.That(expected, Has.Count.GreaterThan(4), "the filter leaves more than one page");
            Assert.That(numbers, Is.EqualTo(expected));
            Assert.That(pages[0].TotalCount, Is.EqualTo(expected.Count), "the first page, by number, counts");
            Assert.That(pages.Skip(1).Select(p => p.TotalCount), Is.All.Null, "pages by run number count nothing");
            Assert.That(pages.Skip(1).Select(p => p.Page), Is.All.Null);
            Assert.That(pages.SkipLast(1).Select(p => p.Items.Count), Is.All.EqualTo(4));
            Assert.That(pages[^1].NextBefore, Is.Null, "the last page says there is no more");
        });
    }

    [Test]
    public async Task A_page_that_ends_exactly_at_the_last_run_has_no_next_before()
    {
        var slug = await ProjectAsync("exact");
        await SeedRunsAsync(slug, 8);

        var byNumber = await Host.SendAsync(new ListRunsQuery { Slug = slug, PageSize = 4, Before = 5 });
        var byPage = await Host.SendAsync(new ListRunsQuery { Slug = slug, PageSize = 4, Page = 2 });
        var firstPage = await Host.SendAsync(new ListRunsQuery { Slug = slug, PageSize = 4 });

        Assert.Multiple(() =>
        {
            Assert.That(byNumber.Items.Select(i => i.Number), Is.EqualTo(new long[] { 4, 3, 2, 1 }));
            Assert.That(byNumber.NextBefore, Is.Null);
            Assert.That(byPage.Items.Select(i => i.Number), Is.EqualTo(new long[] { 4, 3, 2, 1 }));
            Assert.That(byPage.NextBefore, Is.Null);
            Assert.That(byPage.TotalCount, Is.EqualTo(8));
            Assert.That(byPage.TotalPages, Is.EqualTo(2));
            Assert.That(firstPage.NextBefore, Is.EqualTo(5));
        });
    }

    [Test]
    public async Task A_row_carries_branch_tag_who_triggered_the_commit_author_and_the_project()
    {
        var slug = await ProjectAsync("rows");
        await Host.WithDbAsync(async db =>
        {
            var projectId = db.Projects.Single(p => p.Slug == slug).Id;
            var tagRun = new PipelineRun(projectId, 1, "tag", "refs/tags/v1.0", new string('b', 40), T0);
            tagRun.Describe(null, "v1.0", "Release 1.0", null);
            tagRun.CausedBy("octocat");
            tagRun.AuthoredBy("Mona Lisa");
            db.Runs.Add(tagRun);
            await db.SaveChangesAsync();
        });

        var row = (await Host.SendAsync(new ListRunsQuery { Slug = slug })).Items.Single();

        Assert.Multiple(() =>
        {
            Assert.That(row.ProjectSlug, Is.EqualTo(slug));
            Assert.That(row.Tag, Is.EqualTo("v1.0"));
            Assert.That(row.Branch, Is.Null);
            Assert.That(row.TriggeredBy, Is.EqualTo("octocat"));
            Assert.That(row.CommitAuthor, Is.EqualTo("Mona Lisa"));
            Assert.That(row.CommitMessage, Is.EqualTo("Release 1.0"));
        });
    }

    [TestCase(0, 1, "before must be a run number")]
    [TestCase(-5, 1, "before must be a run number")]
    [TestCase(10, 2, "Give page or before, not both")]
    public async Task A_bad_before_is_refused_with_what_to_send(long before, long page, string message)
    {
        var slug = await ProjectAsync("refused");

        var ex = Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(new ListRunsQuery { Slug = slug, Before = before, Page = page }))!;

        Assert.That(ex.Message, Does.Contain(message));
    }

    [Test]
    public async Task Queued_is_taken_for_pending_and_an_unknown_status_is_refused_with_the_known_ones()
    {
        var slug = await ProjectAsync("statuses");
        await Host.WithDbAsync(async db =>
        {
            var projectId = db.Projects.Single(p => p.Slug == slug).Id;
            db.Runs.Add(new PipelineRun(projectId, 1, "push", "refs/heads/main", null, T0));
            await db.SaveChangesAsync();
        });
        await SeedRunsAsync(await ProjectAsync("finished"), 3);

        var queued = await Host.SendAsync(new ListRunsQuery { Slug = slug, Status = "queued" });
        var ex = Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(new ListRunsQuery { Slug = slug, Status = "done" }))!;

        Assert.Multiple(() =>
        {
            Assert.That(queued.Items.Select(i => i.Status), Is.EqualTo(new[] { RunStatus.Pending }));
            Assert.That(ex.Message, Does.Contain("pending, running, success, failed, cancelled, error"));
        });
    }

    [Test]
    public async Task Recent_runs_across_projects_are_newest_first_of_the_statuses_asked_for()
    {
        var first = await ProjectAsync("first");
        var second = await ProjectAsync("second");
        var firstSeeds = await SeedRunsAsync(first, 9);
        // The second project's runs are made later: they are the newer ones.
        Host.Clock.Advance(TimeSpan.FromHours(1));
        await Host.WithDbAsync(async db =>
        {
            var projectId = db.Projects.Single(p => p.Slug == second).Id;
            var errored = new PipelineRun(projectId, 1, "push", "refs/heads/main", null, T0.AddHours(2));
            errored.MarkError("clone failed", T0.AddHours(2));
            db.Runs.Add(errored);
            db.Runs.Add(new PipelineRun(projectId, 2, "push", "refs/heads/main", null, T0.AddHours(3)));
            await db.SaveChangesAsync();
        });

        var failures = await Host.SendAsync(new ListRecentRunsQuery { Statuses = ["failed", "error"], Limit = 3 });
        var inProgress = await Host.SendAsync(new ListRecentRunsQuery { Statuses = ["queued", "running"] });
        var all = await Host.SendAsync(new ListRecentRunsQuery { Limit = 100 });

        var newestFailed = firstSeeds.Where(s => s.Status == RunStatus.Failed).Select(s => s.Number).OrderDescending().Take(2);
        Assert.Multiple(() =>
        {
            Assert.That(failures.Items.Select(i => (i.ProjectSlug, i.Number)),
                Is.EqualTo(new[] { (second, 1L) }.Concat(newestFailed.Select(n => (first, n)))));
            Assert.That(inProgress.Items.Select(i => (i.ProjectSlug, i.Number, i.Status)), Is.EqualTo(new[] { (second, 2L, RunStatus.Pending) }));
            Assert.That(all.Items, Has.Count.EqualTo(11));
            Assert.That(all.Items.Select(i => i.CreatedAt), Is.Ordered.Descending);
        });
    }

    [TestCase(0, "limit must be between 1 and 100")]
    [TestCase(101, "limit must be between 1 and 100")]
    public void Recent_runs_refuse_a_limit_out_of_range(long limit, string message)
    {
        var ex = Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(new ListRecentRunsQuery { Limit = limit }))!;

        Assert.That(ex.Message, Does.Contain(message));
    }

    [Test]
    public void Recent_runs_refuse_an_unknown_status()
    {
        var ex = Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(new ListRecentRunsQuery { Statuses = ["running", "broken"] }))!;

        Assert.That(ex.Message, Does.Contain("Status must be one of"));
    }

    [Test]
    public async Task The_queue_lists_unstarted_jobs_of_every_project_oldest_first_with_the_run_answers_waiting_reason()
    {
        var first = await ProjectAsync("queue-a");
        var second = await ProjectAsync("queue-b");
        var runIds = new List<Guid>();
        await Host.WithDbAsync(async db =>
        {
            foreach (var (slug, minutes) in new[] { (first, 0), (second, 1) })
            {
                var projectId = db.Projects.Single(p => p.Slug == slug).Id;
                var run = new PipelineRun(projectId, 1, "push", "refs/heads/main", null, T0.AddMinutes(minutes));
                var build = run.AddJob("build", [], allowFailure: false);
                run.AddJob("test", ["build"], allowFailure: false).MoveTo(JobStatus.Waiting, T0.AddMinutes(minutes));
                // Queued a moment after its run was made; the waiting job waits since the run was made.
                build.Queue(T0.AddMinutes(minutes).AddSeconds(1), lockKey: null);
                var running = run.AddJob("lint", [], allowFailure: false);
                running.Queue(T0.AddMinutes(minutes), null);
                running.Claim("node", T0.AddMinutes(minutes), TimeSpan.FromMinutes(1));
                db.Runs.Add(run);
                runIds.Add(run.Id);
            }
            await db.SaveChangesAsync();
        });

        var queue = await Host.SendAsync(new ListQueueQuery());
        var runAnswers = new List<RunDto>();
        foreach (var id in runIds) runAnswers.Add(await Host.SendAsync(new GetRunQuery(id)));

        var runReasons = runAnswers.SelectMany(r => r.Jobs).Where(j => j.WaitingReason is not null)
            .ToDictionary(j => j.Id, j => j.WaitingReason!.Detail);
        Assert.Multiple(() =>
        {
            Assert.That(queue.Total, Is.EqualTo(4), "build and test of both runs; lint runs");
            Assert.That(queue.Items.Select(i => (i.ProjectSlug, i.Job)),
                Is.EqualTo(new[] { (first, "test"), (first, "build"), (second, "test"), (second, "build") }));
            Assert.That(queue.Items.Select(i => i.RunNumber), Is.All.EqualTo(1));
            Assert.That(queue.Items.ToDictionary(i => i.JobId, i => i.WaitingReason?.Detail), Is.EquivalentTo(runReasons));
            Assert.That(queue.Items.First(i => i.ProjectSlug == second && i.Job == "build").WaitingReason!.Position, Is.EqualTo(2),
                "the second project's build is behind the first's in the one queue");
        });

        var limited = await Host.SendAsync(new ListQueueQuery { Limit = 1 });
        Assert.Multiple(() =>
        {
            Assert.That(limited.Items.Select(i => (i.ProjectSlug, i.Job)), Is.EqualTo(new[] { (first, "test") }));
            Assert.That(limited.Total, Is.EqualTo(4));
        });
    }
}
