using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests.Schedules;

/// <summary>
/// The whole way through the orchestrator: a schedule made over HTTP on a real repository, the real scheduler loop
/// and dispatcher, real steps in the sandbox. Only the clock is the test's: it stands still until the test moves it
/// to the slot, so "not before its time" and "at its time" are both seen.
/// </summary>
public sealed class ScheduleEndToEndTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Test]
    public async Task A_due_slot_of_a_schedule_on_a_real_repository_makes_a_cron_run_that_succeeds_at_the_right_local_time()
    {
        using var repository = TestRepository.Create("""
            when:
              event: [cron]
            jobs:
              nightly:
                steps:
                  - run: echo "nightly suite=$SUITE on $COMET_BRANCH"
            """);
        // Real time to the minute, so tokens stay valid; the slot is two minutes on, written in Kolkata's wall-clock
        // time (+05:30, a half-hour offset that a zone mix-up would miss by 30 minutes at least).
        var start = DateTimeOffset.UtcNow;
        var clock = new ManualClock(new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, start.Minute, 0, TimeSpan.Zero).AddSeconds(5));
        var slot = clock.GetUtcNow().AddSeconds(-5).AddMinutes(2);
        var kolkata = TimeZoneInfo.ConvertTime(slot, TimeZoneInfo.FindSystemTimeZoneById("Asia/Kolkata"));
        using var factory = new OrchestratorFactory(new Dictionary<string, string?>
        {
            ["Runner:PollInterval"] = "00:00:00.200",
            ["Schedules:PollInterval"] = "00:00:00.100",
        });
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(clock)));
        using var client = OrchestratorFactory.SignIn(host.CreateClient(), OrchestratorFactory.AdminName, OrchestratorFactory.AdminPassword);
        var project = await client.CreateProjectAsync(repository.Url);

        using var created = await client.PostAsJsonAsync($"/api/v1/projects/{project.Slug}/schedules", new
        {
            name = "nightly", cron = $"{kolkata.Minute} {kolkata.Hour} * * *", timeZone = "Asia/Kolkata",
            variables = new Dictionary<string, string> { ["SUITE"] = "full" },
        });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var schedule = await created.ReadJsonAsync();
        var scheduleId = schedule.GetProperty("id").GetGuid();
        Assert.That(schedule.GetProperty("nextRuns")[0].GetProperty("utc").GetDateTime().ToUniversalTime(), Is.EqualTo(slot.UtcDateTime));

        // A minute before the slot, ten polls later: nothing.
        clock.Advance(TimeSpan.FromMinutes(1));
        await Task.Delay(1000);
        Assert.That(await client.ListRunsAsync(project.Slug), Is.Empty, "a run before its slot");

        clock.Advance(TimeSpan.FromMinutes(1));
        var runId = await WaitForFirstRunAsync(client, project.Slug);
        var run = await client.WaitForEndAsync(runId);
        var raw = await client.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");
        var after = await client.GetFromJsonAsync<JsonElement>($"/api/v1/projects/{project.Slug}/schedules/{scheduleId}");
        var log = PipelineApi.LogLines(await client.ReadLogAsync(run, run.Job("nightly")));

        Assert.Multiple(async () =>
        {
            Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
            Assert.That(run.Event, Is.EqualTo("cron"));
            Assert.That(run.Branch, Is.EqualTo("main"));
            Assert.That(run.CommitSha, Is.EqualTo(repository.HeadSha));
            Assert.That(raw.GetProperty("scheduleId").GetGuid(), Is.EqualTo(scheduleId));
            Assert.That(raw.GetProperty("scheduleName").GetString(), Is.EqualTo("nightly"));
            Assert.That(log, Does.Contain("nightly suite=full on main"));
            Assert.That(after.GetProperty("lastOutcome").GetString(), Is.EqualTo("run_created"));
            Assert.That(after.GetProperty("lastRunId").GetGuid(), Is.EqualTo(runId));
            Assert.That(after.GetProperty("lastSlotAt").GetDateTime().ToUniversalTime(), Is.EqualTo(slot.UtcDateTime));
            Assert.That(await client.ListRunsAsync(project.Slug), Has.Count.EqualTo(1), "the slot fired more than once");
        });
    }

    private static async Task<Guid> WaitForFirstRunAsync(HttpClient client, string slug)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < PipelineApi.RunTimeout)
        {
            if ((await client.ListRunsAsync(slug)).FirstOrDefault() is { ValueKind: JsonValueKind.Object } run) return run.GetProperty("id").GetGuid();
            await Task.Delay(100);
        }
        Assert.Fail("the schedule made no run within a minute of its slot");
        return Guid.Empty;
    }
}
