using System.Net;
using System.Net.Http.Json;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.Orchestrator.Tests.Testing;

namespace Comet.Orchestrator.Tests.Events;

/// <summary>
/// GET /api/v1/events and /api/v1/events/ws through real runs: the order and content of a run's events, who sees
/// what, filters, resuming without gaps or duplicates, heartbeats, the WebSocket twin, and approvals.
/// </summary>
public sealed class LiveEventStreamTests : LiveEventTestBase
{
    [Test]
    public async Task A_run_streams_from_queued_to_finished_in_order_with_growing_ids()
    {
        var project = await ProjectWithAsync(BuildPipeline);
        await using var stream = await SseClient.ConnectAsync(Admin, $"/api/v1/events?project={project.Slug}");
        Assert.Multiple(() =>
        {
            Assert.That(stream.Response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
            Assert.That(stream.Response.Headers.CacheControl?.NoCache, Is.True);
            Assert.That(stream.Response.Headers.GetValues("X-Accel-Buffering"), Is.EqualTo(new[] { "no" }));
        });

        var run = await Admin.TriggerAsync(project.Slug);
        var events = await stream.ReadUntilAsync(RunFinished);

        var ids = events.Select(e => e.Id!.Value).ToList();
        Assert.That(ids, Is.Ordered.Ascending.And.Unique, string.Join("\n", events));
        var types = events.Select(e => e.Type).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(types[0], Is.EqualTo("run.queued"));
            Assert.That(types[^1], Is.EqualTo("run.finished"));
            Assert.That(events[^1].Str("status"), Is.EqualTo("success"));
            Assert.That(events[^1].Str("from"), Is.EqualTo("running"));
            Assert.That(types.Count(t => t == "run.started"), Is.EqualTo(1));
            Assert.That(events.All(e => e.Str("project") == project.Slug && e.Str("runId") == run.Id.ToString()), Is.True, string.Join("\n", events));
            Assert.That(events.All(e => e.Data.GetProperty("runNumber").GetInt64() == run.Number), Is.True);
            // The build job's path, each change once: created → (waiting →) queued → running → success.
            var job = events.Where(e => e.Type == "job.status").Select(e => e.Str("status")).ToList();
            Assert.That(job, Does.Contain("queued").And.Contain("running").And.Contain("success"));
            Assert.That(job.IndexOf("running"), Is.LessThan(job.IndexOf("success")));
            var steps = events.Where(e => e.Type == "step.status").Select(e => $"{e.Str("step")}:{e.Str("from")}→{e.Str("status")}").ToList();
            Assert.That(steps, Is.EqualTo(new[] { "compile:pending→running", "compile:running→success", "test:pending→running", "test:running→success" }));
            Assert.That(types.IndexOf("run.started"), Is.LessThan(types.IndexOf("run.finished")));
        });
    }

    [Test]
    public async Task A_stranger_sees_nothing_of_a_project_they_are_not_a_member_of_and_a_member_sees_it()
    {
        var project = await ProjectWithAsync(BuildPipeline);
        var (_, stranger) = await NewUserAsync();
        var (memberName, member) = await NewUserAsync();
        using var _s = stranger;
        using var _m = member;
        await Admin.AddMemberAsync(project.Slug, memberName, "viewer");

        using (var refused = await stranger.GetAsync($"/api/v1/events?project={project.Slug}"))
            await refused.ReadProblemAsync(HttpStatusCode.NotFound);
        using (var anonymous = await NewClient().GetAsync("/api/v1/events"))
            Assert.That(anonymous.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        await using var strangers = await SseClient.ConnectAsync(stranger, "/api/v1/events");
        await using var members = await SseClient.ConnectAsync(member, "/api/v1/events");
        var run = await Admin.TriggerAsync(project.Slug);
        var seen = await members.ReadUntilAsync(e => RunFinished(e) && e.Str("runId") == run.Id.ToString());
        var strangerSaw = await strangers.ReadForAsync(TimeSpan.FromSeconds(1));

        Assert.Multiple(() =>
        {
            Assert.That(seen.Where(e => e.Str("runId") == run.Id.ToString()).Select(e => e.Type), Does.Contain("run.queued").And.Contain("run.finished"));
            Assert.That(strangerSaw, Is.Empty, string.Join("\n", strangerSaw));
            Assert.That(strangers.Heartbeats, Is.GreaterThan(0), "the stranger's stream is open and beating, only empty");
        });
    }

    [Test]
    public async Task The_run_filter_carries_only_that_runs_events()
    {
        var project = await ProjectWithAsync(BuildPipeline);
        var first = await Admin.TriggerAsync(project.Slug);
        await using var stream = await SseClient.ConnectAsync(Admin, $"/api/v1/events?run={first.Id}", lastEventId: 0);
        var second = await Admin.TriggerAsync(project.Slug);
        await Admin.WaitForEndAsync(second.Id);
        var events = await stream.ReadUntilAsync(e => RunFinished(e) && e.Str("runId") == first.Id.ToString());
        events.AddRange(await stream.ReadForAsync(TimeSpan.FromSeconds(1)));

        Assert.That(events.Select(e => e.Str("runId")).Distinct(), Is.EqualTo(new[] { first.Id.ToString() }), string.Join("\n", events));
        Assert.That(events[0].Type, Is.EqualTo("run.queued"), "lastEventId=0 replays the kept events of the run from its start");

        using var unknown = await Admin.GetAsync($"/api/v1/events?run={Guid.NewGuid()}");
        await unknown.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_client_that_drops_mid_run_and_resumes_with_Last_Event_ID_gets_every_event_exactly_once()
    {
        var project = await ProjectWithAsync("""
            jobs:
              slow:
                steps:
                  - run: sleep 0.3
                  - run: sleep 0.3
                  - run: sleep 0.3
                  - run: sleep 0.3
            """);
        var path = $"/api/v1/events?project={project.Slug}";
        List<ReceivedEvent> before;
        await using (var first = await SseClient.ConnectAsync(Admin, path))
        {
            await Admin.TriggerAsync(project.Slug);
            before = await first.ReadUntilAsync(e => e.Type == "step.status" && e.Data.GetProperty("stepIndex").GetInt32() == 1);
        }
        // Events go on while nobody listens.
        await Task.Delay(700);
        List<ReceivedEvent> after;
        await using (var second = await SseClient.ConnectAsync(Admin, path, lastEventId: before[^1].Id))
            after = await second.ReadUntilAsync(RunFinished);

        // Everything kept for the project, read again from the start: what the two connections should add up to.
        await using var replay = await SseClient.ConnectAsync(Admin, path, lastEventId: before[0].Id - 1);
        var all = await replay.ReadUntilAsync(RunFinished);

        var union = before.Concat(after).Select(e => e.Id!.Value).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(union, Is.Unique, "no event twice");
            Assert.That(union, Is.EqualTo(all.Select(e => e.Id!.Value)), "no event missing, in order");
            Assert.That(after, Is.Not.Empty);
            Assert.That(after[0].Id, Is.GreaterThan(before[^1].Id!.Value));
        });
    }

    [Test]
    public async Task An_idle_stream_gets_heartbeats()
    {
        await using var stream = await SseClient.ConnectAsync(Admin, "/api/v1/events?project=" + (await ProjectWithAsync(BuildPipeline)).Slug);
        await stream.ReadForAsync(TimeSpan.FromSeconds(1.6));
        Assert.That(stream.Heartbeats, Is.GreaterThanOrEqualTo(2), "Events:Heartbeat is 0.5 s here");
    }

    [Test]
    public async Task The_WebSocket_carries_the_same_events_as_the_event_stream()
    {
        var project = await ProjectWithAsync(BuildPipeline);
        await using var sse = await SseClient.ConnectAsync(Admin, $"/api/v1/events?project={project.Slug}");
        await using var socket = await WebSocketEventClient.ConnectAsync(BaseAddress, AdminToken, $"/api/v1/events/ws?project={project.Slug}");
        await Admin.TriggerAsync(project.Slug);

        var overSse = await sse.ReadUntilAsync(RunFinished);
        var overSocket = await socket.ReadUntilAsync(RunFinished);
        Assert.That(overSocket.Select(e => $"{e.Id} {e.Type} {e.Data.GetRawText()}"),
            Is.EqualTo(overSse.Select(e => $"{e.Id} {e.Type} {e.Data.GetRawText()}")));

        using var plain = await Admin.GetAsync("/api/v1/events/ws");
        Assert.That(plain.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task A_deploy_waiting_for_approval_is_announced_and_the_decision_and_deployment_follow()
    {
        var project = await ProjectWithAsync("""
            jobs:
              build:
                steps:
                  - run: echo built
              deploy:
                needs: [build]
                environment: production
                steps:
                  - run: echo deployed
            """);
        using (var protect = await Admin.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/environments/production", new { requiredApprovals = 1 }))
            Assert.That(protect.StatusCode, Is.EqualTo(HttpStatusCode.OK), await protect.Content.ReadAsStringAsync());
        var (maintainerName, maintainer) = await NewUserAsync();
        using var _m = maintainer;
        await Admin.AddMemberAsync(project.Slug, maintainerName, "maintainer");

        await using var stream = await SseClient.ConnectAsync(Admin, $"/api/v1/events?project={project.Slug}");
        var run = await Admin.TriggerAsync(project.Slug);
        var waiting = await stream.ReadUntilAsync(e => e.Type == "approval.requested");
        var requested = waiting[^1];
        var deployJob = waiting.Last(e => e.Type == "job.status" && e.Str("job") == "deploy");

        using (var approve = await maintainer.PostAsJsonAsync($"/api/v1/runs/{run.Id}/jobs/{requested.Str("jobId")}/approve", new { comment = "ship it" }))
            Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.OK), await approve.Content.ReadAsStringAsync());
        var rest = await stream.ReadUntilAsync(RunFinished);
        var given = rest.Single(e => e.Type == "approval.given");
        var started = rest.Single(e => e.Type == "deployment.started");
        var finished = rest.Single(e => e.Type == "deployment.finished");

        Assert.Multiple(() =>
        {
            Assert.That(requested.Str("job"), Is.EqualTo("deploy"));
            Assert.That(requested.Str("environment"), Is.EqualTo("production"));
            Assert.That(requested.Data.GetProperty("approvalsRequired").GetInt32(), Is.EqualTo(1));
            Assert.That(deployJob.Str("status"), Is.EqualTo("waiting_for_approval"));
            Assert.That(deployJob.Id, Is.EqualTo(requested.Id - 1), "the job's status change and its approval request are written together");
            Assert.That(given.Str("decision"), Is.EqualTo("approved"));
            Assert.That(given.Str("by"), Is.EqualTo(maintainerName));
            Assert.That(given.Str("comment"), Is.EqualTo("ship it"));
            Assert.That(started.Str("environment"), Is.EqualTo("production"));
            Assert.That(finished.Str("status"), Is.EqualTo("success"));
            Assert.That(finished.Str("from"), Is.EqualTo("running"));
            Assert.That(rest.Select(e => e.Type).ToList().IndexOf("approval.given"), Is.LessThan(rest.Select(e => e.Type).ToList().IndexOf("deployment.started")));
            Assert.That(rest[^1].Str("status"), Is.EqualTo("success"));
        });
    }
}

/// <summary>A log that keeps only its last few events: a client resuming from before them is told to reload.</summary>
public sealed class LiveEventRetentionTests : LiveEventTestBase
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Events:RetainCount"] = "3",
        ["Events:SweepInterval"] = "00:00:00.200",
    };

    [Test]
    public async Task Resuming_from_an_id_older_than_the_kept_window_gets_one_reset_then_live_events()
    {
        var project = await ProjectWithAsync(BuildPipeline);
        List<ReceivedEvent> first;
        await using (var stream = await SseClient.ConnectAsync(Admin, $"/api/v1/events?project={project.Slug}"))
        {
            await Admin.TriggerAsync(project.Slug);
            first = await stream.ReadUntilAsync(RunFinished);
        }
        Assert.That(first.Count, Is.GreaterThan(4), "more events than the three kept");
        await Task.Delay(800); // a few sweeps

        await using var resumed = await SseClient.ConnectAsync(Admin, $"/api/v1/events?project={project.Slug}", lastEventId: first[0].Id);
        var reset = await resumed.ReadUntilAsync(_ => true, TimeSpan.FromSeconds(10));
        var run = await Admin.TriggerAsync(project.Slug);
        var live = await resumed.ReadUntilAsync(RunFinished);

        Assert.Multiple(() =>
        {
            Assert.That(reset.Single().Type, Is.EqualTo("reset"));
            Assert.That(reset.Single().Id, Is.GreaterThanOrEqualTo(first[^1].Id!.Value), "a reconnect after the reset starts from where the reset stood");
            Assert.That(reset.Single().Data.GetProperty("lastEventId").GetInt64(), Is.EqualTo(first[0].Id));
            Assert.That(live[0].Type, Is.EqualTo("run.queued"));
            Assert.That(live[0].Str("runId"), Is.EqualTo(run.Id.ToString()));
            Assert.That(live.Select(e => e.Type), Does.Not.Contain("reset"));
        });
    }
}
