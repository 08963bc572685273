using Comet.Application.Schedules;
using Comet.Application.Schedules.Commands;
using Comet.Domain.Runs;
using Comet.Domain.Schedules;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.Orchestrator.Workers;
using Comet.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Tests.Schedules;

/// <summary>
/// The scheduler loop on a real database with a clock the test moves: it fires at the right wall-clock time across
/// daylight-saving changes, once after downtime, once when two orchestrators race, never when disabled, and the
/// runs it makes are <c>cron</c> runs that obey <c>when: event</c>. Each poll is driven by hand
/// (<see cref="SchedulerLoop.FireDueAsync"/>), so what fired is known exactly.
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
[Parallelizable(ParallelScope.Self)]
public sealed class SchedulerTests(string providerName)
{
    private const string Pipeline = """
        jobs:
          build:
            steps:
              - run: echo building
        """;

    private TestHost _host = null!;
    private TestRepository? _repository;
    private readonly List<ServiceProvider> _otherNodes = [];

    [SetUp]
    public async Task Start() => _host = await TestHost.StartAsync(DatabaseProviders.Parse(providerName));

    [TearDown]
    public async Task Stop()
    {
        foreach (var node in _otherNodes) await node.DisposeAsync();
        _otherNodes.Clear();
        // Null when the fixture's database is not there (PostgreSQL without COMET_TEST_POSTGRES: the test is ignored).
        if (_host is not null) await _host.DisposeAsync();
        _repository?.Dispose();
    }

    private SchedulerLoop Loop(IServiceProvider? services = null)
    {
        services ??= _host.Services;
        return new SchedulerLoop(services.GetRequiredService<IServiceScopeFactory>(), Options.Create(new ScheduleOptions()), _host.Clock,
            services.GetRequiredService<ILogger<SchedulerLoop>>());
    }

    private void SetClock(DateTime utc) => _host.Clock.Advance(new DateTimeOffset(utc) - _host.Clock.GetUtcNow());

    private static DateTime Utc(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, DateTimeKind.Utc);

    /// <summary>A project on a real repository holding <paramref name="pipeline"/>, created through the use case as an HTTP request would.</summary>
    private async Task<string> ProjectAsync(string pipeline = Pipeline)
    {
        _repository = TestRepository.Create(pipeline);
        var created = await _host.SendAsync(new Application.Projects.Commands.CreateProjectCommand
        {
            Name = "scheduled " + Guid.NewGuid().ToString("N")[..8], RepoUrl = _repository.Url,
        });
        return created.Slug;
    }

    private Task<ScheduleDto> ScheduleAsync(string slug, string cron, string timeZone, Dictionary<string, string>? variables = null) =>
        _host.SendAsync(new CreateScheduleCommand { Slug = slug, Name = "nightly", Cron = cron, TimeZone = timeZone, Variables = variables });

    private Task<List<PipelineRun>> RunsAsync() =>
        _host.WithDbAsync(db => db.Runs.AsNoTracking().Include(r => r.Jobs).OrderBy(r => r.Number).ToListAsync());

    private Task<Schedule> StoredAsync(Guid id) => _host.WithDbAsync(db => db.Schedules.AsNoTracking().SingleAsync(s => s.Id == id));

    [Test]
    public async Task A_0230_Berlin_schedule_fires_at_0300_local_on_the_spring_forward_day_and_only_then()
    {
        SetClock(Utc(2026, 3, 28, 12, 0));
        var slug = await ProjectAsync();
        var schedule = await ScheduleAsync(slug, "30 2 * * *", "Europe/Berlin");
        Assert.That(schedule.NextRuns[0].Utc, Is.EqualTo(Utc(2026, 3, 29, 1, 0)), "the API's first next run");

        SetClock(Utc(2026, 3, 29, 0, 59)); // 01:59 CET: the clocks jump at 02:00 to 03:00
        var early = await Loop().FireDueAsync(CancellationToken.None);
        SetClock(Utc(2026, 3, 29, 1, 0)); // 03:00 CEST
        var onTime = await Loop().FireDueAsync(CancellationToken.None);
        SetClock(Utc(2026, 3, 29, 1, 30)); // 03:30 CEST: 02:30 CEST never happens that day
        var later = await Loop().FireDueAsync(CancellationToken.None);

        var runs = await RunsAsync();
        var stored = await StoredAsync(schedule.Id);
        Assert.Multiple(() =>
        {
            Assert.That(early, Is.Empty, "fired before the wall clock reached the slot");
            Assert.That(onTime.Select(r => r.Outcome), Is.EqualTo(new[] { FireOutcome.RunCreated }));
            Assert.That(later, Is.Empty, "fired twice on the spring-forward day");
            Assert.That(runs, Has.Count.EqualTo(1));
            Assert.That(runs[0].Event, Is.EqualTo("cron"));
            Assert.That(runs[0].Branch, Is.EqualTo("main"));
            Assert.That(runs[0].Sha, Is.EqualTo(_repository!.HeadSha));
            Assert.That(runs[0].ScheduleId, Is.EqualTo(schedule.Id));
            Assert.That(runs[0].ScheduleName, Is.EqualTo("nightly"));
            Assert.That(stored.LastSlotAt, Is.EqualTo(Utc(2026, 3, 29, 1, 0)));
            Assert.That(stored.LastRunId, Is.EqualTo(runs[0].Id));
            Assert.That(stored.LastOutcome, Is.EqualTo(ScheduleOutcome.RunCreated));
        });
    }

    [Test]
    public async Task A_0130_New_York_schedule_fires_once_on_the_fall_back_day_when_0130_happens_twice()
    {
        SetClock(Utc(2026, 10, 31, 12, 0));
        var slug = await ProjectAsync();
        await ScheduleAsync(slug, "30 1 * * *", "America/New_York");

        var fired = new List<DateTime>();
        // Every 15 minutes from 00:00 EDT on 1 November to 02:00 EST, then into the next day's slot.
        for (var at = Utc(2026, 11, 1, 4, 0); at <= Utc(2026, 11, 2, 6, 30); at = at.AddMinutes(15))
        {
            SetClock(at);
            if ((await Loop().FireDueAsync(CancellationToken.None)).Any(r => r.Outcome == FireOutcome.RunCreated)) fired.Add(at);
        }

        // 01:30 EDT = 05:30Z fires; 01:30 EST = 06:30Z does not; the next day's 01:30 EST does.
        Assert.That(fired, Is.EqualTo(new[] { Utc(2026, 11, 1, 5, 30), Utc(2026, 11, 2, 6, 30) }));
    }

    [Test]
    public async Task After_ten_hours_of_downtime_an_hourly_schedule_fires_once_for_the_latest_slot()
    {
        SetClock(Utc(2026, 5, 4, 8, 55));
        var slug = await ProjectAsync();
        var schedule = await ScheduleAsync(slug, "0 * * * *", "UTC");

        // The server is down from 08:55 to 19:10: ten slots pass with nobody polling.
        await _host.RestartAsync();
        SetClock(Utc(2026, 5, 4, 19, 10));
        var first = await Loop().FireDueAsync(CancellationToken.None);
        var second = await Loop().FireDueAsync(CancellationToken.None);

        var runs = await RunsAsync();
        var stored = await StoredAsync(schedule.Id);
        Assert.Multiple(() =>
        {
            Assert.That(first.Select(r => r.Outcome), Is.EqualTo(new[] { FireOutcome.RunCreated }));
            Assert.That(second, Is.Empty, "the next poll fired a missed slot again");
            Assert.That(runs, Has.Count.EqualTo(1), "one run, not one per missed slot");
            Assert.That(stored.LastSlotAt, Is.EqualTo(Utc(2026, 5, 4, 19, 0)), "the latest missed slot");
            Assert.That(stored.LastFiredAt, Is.EqualTo(Utc(2026, 5, 4, 19, 10)), "when it actually fired");
        });
    }

    [Test]
    public async Task Two_orchestrators_on_one_database_fire_each_slot_once()
    {
        SetClock(Utc(2026, 6, 1, 11, 59));
        var slug = await ProjectAsync();
        await ScheduleAsync(slug, "* * * * *", "UTC");
        var other = TestHost.BuildServices(_host.Settings, _host.Clock);
        _otherNodes.Add(other);
        var first = Loop();
        var second = Loop(other);

        var outcomes = new List<FireOutcome>();
        for (var minute = 0; minute < 5; minute++)
        {
            _host.Clock.Advance(TimeSpan.FromMinutes(1));
            var both = await Task.WhenAll(
                Task.Run(() => first.FireDueAsync(CancellationToken.None)),
                Task.Run(() => second.FireDueAsync(CancellationToken.None)));
            outcomes.AddRange(both.SelectMany(r => r).Select(r => r.Outcome));
        }

        var runs = await RunsAsync();
        var slots = await _host.WithDbAsync(db => db.ScheduleSlots.AsNoTracking().OrderBy(s => s.SlotAt).ToListAsync());
        Assert.Multiple(() =>
        {
            Assert.That(runs, Has.Count.EqualTo(5), string.Join(", ", outcomes));
            Assert.That(outcomes.Count(o => o == FireOutcome.RunCreated), Is.EqualTo(5));
            Assert.That(outcomes.Where(o => o != FireOutcome.RunCreated), Is.All.AnyOf(FireOutcome.ClaimedElsewhere, FireOutcome.NotDue));
            Assert.That(slots.Select(s => s.SlotAt), Is.EqualTo(Enumerable.Range(0, 5).Select(m => Utc(2026, 6, 1, 12, m))));
            Assert.That(slots.Select(s => s.RunId), Is.EquivalentTo(runs.Select(r => (Guid?)r.Id)));
        });
    }

    [Test]
    public async Task A_slot_another_orchestrator_has_claimed_makes_no_run_here_and_is_not_tried_again()
    {
        SetClock(Utc(2026, 6, 1, 11, 59));
        var slug = await ProjectAsync();
        var schedule = await ScheduleAsync(slug, "0 12 * * *", "UTC");
        // Another node's claim of the noon slot, committed before this node looks (it died before making its run).
        await _host.WithDbAsync(async db =>
        {
            db.ScheduleSlots.Add(new ScheduleSlot(schedule.Id, Utc(2026, 6, 1, 12, 0), "other-node", Utc(2026, 6, 1, 12, 0)));
            await db.SaveChangesAsync();
        });

        SetClock(Utc(2026, 6, 1, 12, 0));
        var here = await Loop().FireDueAsync(CancellationToken.None);
        var nextPoll = await Loop().FireDueAsync(CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That(here.Select(r => r.Outcome), Is.EqualTo(new[] { FireOutcome.ClaimedElsewhere }));
            Assert.That(nextPoll, Is.Empty, "every poll tried the claimed slot again");
            Assert.That(await RunsAsync(), Is.Empty);
        });
    }

    [Test]
    public async Task A_disabled_schedule_does_not_fire_and_switching_it_back_on_does_not_fire_what_it_missed()
    {
        SetClock(Utc(2026, 7, 1, 9, 30));
        var slug = await ProjectAsync();
        var schedule = await ScheduleAsync(slug, "0 10 * * *", "UTC");
        var disabled = await _host.SendAsync(new UpdateScheduleCommand { Slug = slug, Id = schedule.Id, Enabled = false });

        SetClock(Utc(2026, 7, 1, 10, 5));
        var whileOff = await Loop().FireDueAsync(CancellationToken.None);
        var enabled = await _host.SendAsync(new UpdateScheduleCommand { Slug = slug, Id = schedule.Id, Enabled = true });
        var afterOn = await Loop().FireDueAsync(CancellationToken.None);
        SetClock(Utc(2026, 7, 2, 10, 0));
        var nextDay = await Loop().FireDueAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(disabled.NextRuns, Is.Empty, "a disabled schedule shows no next runs");
            Assert.That(whileOff, Is.Empty);
            Assert.That(afterOn, Is.Empty, "switching on fired the slot missed while off");
            Assert.That(enabled.NextRuns[0].Utc, Is.EqualTo(Utc(2026, 7, 2, 10, 0)));
            Assert.That(nextDay.Select(r => r.Outcome), Is.EqualTo(new[] { FireOutcome.RunCreated }));
        });
    }

    [Test]
    public async Task A_pipeline_whose_when_excludes_cron_makes_no_run_and_the_schedule_says_so()
    {
        SetClock(Utc(2026, 8, 3, 5, 58));
        var slug = await ProjectAsync("""
            when:
              event: [push, manual]
            jobs:
              build:
                steps:
                  - run: echo building
            """);
        var schedule = await ScheduleAsync(slug, "0 6 * * *", "UTC");

        SetClock(Utc(2026, 8, 3, 6, 0));
        var fired = await Loop().FireDueAsync(CancellationToken.None);
        var again = await Loop().FireDueAsync(CancellationToken.None);

        var stored = await StoredAsync(schedule.Id);
        Assert.Multiple(async () =>
        {
            Assert.That(fired.Select(r => r.Outcome), Is.EqualTo(new[] { FireOutcome.NotTriggered }));
            Assert.That(again, Is.Empty, "a slot the pipeline refused is still dealt with");
            Assert.That(await RunsAsync(), Is.Empty);
            Assert.That(stored.LastOutcome, Is.EqualTo(ScheduleOutcome.NotTriggered));
            Assert.That(stored.LastOutcomeDetail, Does.Contain("when: conditions do not match this cron"));
            Assert.That(stored.LastRunId, Is.Null);
        });
    }

    [Test]
    public async Task In_a_cron_run_jobs_for_cron_are_queued_and_jobs_for_pushes_are_skipped_and_variables_reach_the_jobs()
    {
        SetClock(Utc(2026, 8, 3, 5, 58));
        var slug = await ProjectAsync("""
            jobs:
              nightly:
                when:
                  event: [cron]
                steps:
                  - run: echo "suite $SUITE"
              on-push:
                when:
                  event: [push]
                steps:
                  - run: echo push
            """);
        await ScheduleAsync(slug, "0 6 * * *", "UTC", new Dictionary<string, string> { ["SUITE"] = "full" });

        SetClock(Utc(2026, 8, 3, 6, 0));
        await Loop().FireDueAsync(CancellationToken.None);

        var run = (await RunsAsync()).Single();
        Assert.Multiple(() =>
        {
            Assert.That(run.Event, Is.EqualTo("cron"));
            Assert.That(run.Jobs.Single(j => j.Name == "nightly").Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(run.Jobs.Single(j => j.Name == "on-push").Status, Is.EqualTo(JobStatus.Skipped));
            Assert.That(run.Variables, Is.EqualTo(new Dictionary<string, string> { ["SUITE"] = "full" }));
            Assert.That(run.Jobs.Single(j => j.Name == "nightly").Spec, Does.Contain("\"SUITE\":\"full\""));
        });
    }

    [Test]
    public async Task Deleting_a_project_deletes_its_schedules_and_their_slots()
    {
        SetClock(Utc(2026, 9, 1, 6, 59));
        var slug = await ProjectAsync();
        await ScheduleAsync(slug, "0 7 * * *", "UTC");
        SetClock(Utc(2026, 9, 1, 7, 0));
        await Loop().FireDueAsync(CancellationToken.None);
        Assert.That(await _host.WithDbAsync(db => db.ScheduleSlots.CountAsync()), Is.EqualTo(1));

        await _host.SendAsync(new Application.Projects.Commands.DeleteProjectCommand(slug));

        Assert.Multiple(async () =>
        {
            Assert.That(await _host.WithDbAsync(db => db.Schedules.CountAsync()), Is.Zero);
            Assert.That(await _host.WithDbAsync(db => db.ScheduleSlots.CountAsync()), Is.Zero);
        });
    }
}
