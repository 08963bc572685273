using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comet.Orchestrator.Tests.Pipelines;

/// <summary>
/// The queue that explains itself, driven the way users drive it (signed webhooks, the run API, real steps in the
/// sandbox): a newer push cancels the older runs of its branch or pull request and says which run replaced them,
/// concurrency groups serialise jobs across runs, and every job that has not started says why.
/// </summary>
public sealed class QueueTests : PipelineTestBase
{
    private const string LongPipeline = """
        jobs:
          work:
            steps:
              - run: |
                  echo started
                  sleep 60
                  echo finished
        """;

    private const string QuickPipeline = """
        jobs:
          work:
            steps:
              - run: echo quick
        """;

    [Test]
    public async Task A_second_push_to_a_feature_branch_cancels_the_first_run_names_the_second_and_kills_its_running_step()
    {
        var (repository, project) = await ProjectWithAsync(LongPipeline, forge: "github");
        repository.Git("branch", "feature");
        var first = await PushAsync(repository, project, "refs/heads/feature", repository.HeadSha);
        var running = await Client.WaitForRunAsync(first, r => r.Job("work").Steps[0].Status == "running", "start its step");
        await WaitForLogAsync(running, "started");

        var secondSha = repository.Commit(new Dictionary<string, string> { [".comet.yml"] = QuickPipeline }, "Quicker");
        repository.Git("branch", "-f", "feature", secondSha);
        var clock = Stopwatch.StartNew();
        var second = await PushAsync(repository, project, "refs/heads/feature", secondSha);

        await Client.WaitForEndAsync(first);
        // The run ends at once; its step is recorded when the killed process has gone.
        var cancelled = await Client.WaitForRunAsync(first, r => r.Job("work").Steps[0].Status != "running", "stop its step");
        var secondRun = await Client.GetRunAsync(second);
        var answer = await RunJsonAsync(first);
        Assert.Multiple(() =>
        {
            Assert.That(cancelled.Status, Is.EqualTo("cancelled"), cancelled.ToString());
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the running step was killed, not waited for");
            Assert.That(cancelled.Job("work").Steps[0].Status, Is.EqualTo("cancelled"));
            Assert.That(answer.StringOrNull("cancelReason"), Does.Contain($"superseded by run #{secondRun.Number}"));
            Assert.That(answer.StringOrNull("cancelReason"), Does.Contain($"/api/v1/runs/{second}"), "the reason links the newer run");
            Assert.That(cancelled.Job("work").Note, Does.Contain($"run #{secondRun.Number}"));
        });
        var log = PipelineApi.LogLines(await Client.ReadLogAsync(cancelled, cancelled.Job("work")));
        Assert.That(log, Does.Not.Contain("finished"), "the step was stopped before its end");
        Assert.That((await Client.WaitForEndAsync(second)).Status, Is.EqualTo("success"));
    }

    [Test]
    public async Task A_push_to_the_default_branch_does_not_cancel_its_older_run()
    {
        var (repository, project) = await ProjectWithAsync(SleepPipeline(2), forge: "github");
        var first = await PushAsync(repository, project, "refs/heads/main", repository.HeadSha);
        await Client.WaitForRunAsync(first, r => r.Job("work").Status == "running", "start");
        var secondSha = repository.Commit(new Dictionary<string, string> { ["more.txt"] = "more\n" }, "More");
        var second = await PushAsync(repository, project, "refs/heads/main", secondSha);

        var firstRun = await Client.WaitForEndAsync(first);
        Assert.That(firstRun.Status, Is.EqualTo("success"), firstRun.ToString());
        Assert.That((await RunJsonAsync(first)).StringOrNull("cancelReason"), Is.Null);
        Assert.That((await Client.WaitForEndAsync(second)).Status, Is.EqualTo("success"));
    }

    [Test]
    public async Task A_newer_push_to_a_pull_request_cancels_its_older_run()
    {
        var (repository, project) = await ProjectWithAsync(LongPipeline, forge: "github");
        var baseSha = repository.HeadSha;
        repository.Git("update-ref", "refs/pull/7/head", baseSha);
        var first = await SendRunAsync(ForgePayloads.Github("/hooks/github", "pull_request",
            ForgePayloads.GithubPullRequestFromFork(repository, 7, baseSha, "contribution", baseSha), project.WebhookSecret));
        await Client.WaitForRunAsync(first, r => r.Job("work").Status == "running", "start");

        var headSha = repository.Commit(new Dictionary<string, string> { [".comet.yml"] = QuickPipeline }, "Fix");
        repository.Git("update-ref", "refs/pull/7/head", headSha);
        var second = await SendRunAsync(ForgePayloads.Github("/hooks/github", "pull_request",
            ForgePayloads.GithubPullRequestFromFork(repository, 7, headSha, "contribution", baseSha, action: "synchronize"), project.WebhookSecret));

        var cancelled = await Client.WaitForEndAsync(first);
        var secondRun = await Client.WaitForEndAsync(second);
        Assert.That(cancelled.Status, Is.EqualTo("cancelled"), cancelled.ToString());
        Assert.That((await RunJsonAsync(first)).StringOrNull("cancelReason"),
            Does.Contain($"superseded by run #{secondRun.Number}, a newer push to this pull request"));
        Assert.That(secondRun.Status, Is.EqualTo("success"));
    }

    [Test]
    public async Task With_auto_cancel_turned_off_both_runs_of_a_feature_branch_finish()
    {
        var (repository, project) = await ProjectWithAsync(SleepPipeline(2), forge: "github");
        using (var response = await Client.PutAsJsonAsync($"/api/v1/projects/{project.Slug}",
                   new { autoCancel = new { branches = "none", pullRequests = false } }))
        {
            var body = await response.ReadJsonAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
            Assert.That(body.GetProperty("autoCancel").GetProperty("branches").GetString(), Is.EqualTo("none"));
            Assert.That(body.GetProperty("autoCancel").GetProperty("pullRequests").GetBoolean(), Is.False);
        }
        repository.Git("branch", "feature");
        var first = await PushAsync(repository, project, "refs/heads/feature", repository.HeadSha);
        await Client.WaitForRunAsync(first, r => r.Job("work").Status == "running", "start");
        var secondSha = repository.Commit(new Dictionary<string, string> { ["more.txt"] = "more\n" }, "More");
        repository.Git("branch", "-f", "feature", secondSha);
        var second = await PushAsync(repository, project, "refs/heads/feature", secondSha);

        Assert.That((await Client.WaitForEndAsync(first)).Status, Is.EqualTo("success"));
        Assert.That((await Client.WaitForEndAsync(second)).Status, Is.EqualTo("success"));
    }

    [Test]
    public async Task A_new_project_auto_cancels_non_default_branches_and_pull_requests_and_refuses_an_unknown_setting()
    {
        var (_, project) = await ProjectWithAsync(QuickPipeline);
        var shown = await Client.ListAsync($"/api/v1/projects/{project.Slug}");
        Assert.That(shown.GetProperty("autoCancel").GetProperty("branches").GetString(), Is.EqualTo("non_default"));
        Assert.That(shown.GetProperty("autoCancel").GetProperty("pullRequests").GetBoolean(), Is.True);

        using var response = await Client.PutAsJsonAsync($"/api/v1/projects/{project.Slug}", new { autoCancel = new { branches = "sometimes" } });
        var problem = await response.ReadJsonAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), problem.ToString());
        Assert.That(problem.ToString(), Does.Contain("non_default, all, none"));
    }

    [Test]
    public async Task A_concurrency_group_with_limit_one_runs_two_runs_jobs_one_after_the_other_and_the_waiting_job_names_the_holder()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              deploy:
                concurrency: {group: deploy-prod, limit: 1}
                steps:
                  - run: sleep 3
            """);
        var first = await Client.TriggerAsync(project.Slug);
        var second = await Client.TriggerAsync(project.Slug);

        // Whichever was claimed first holds the group; the other waits in the queue and says so.
        var seen = await WaitForAsync(async () =>
        {
            var runs = new[] { await Client.GetRunAsync(first.Id), await Client.GetRunAsync(second.Id) };
            var holder = runs.FirstOrDefault(r => r.Job("deploy").Status == "running");
            var waiting = runs.FirstOrDefault(r => r.Job("deploy").Status == "queued");
            return holder is null || waiting is null ? null : new[] { holder, waiting };
        }, "one deploy running and the other queued");
        var (holding, queued) = (seen[0], seen[1]);
        var reason = (await JobJsonAsync(queued.Id, "deploy")).GetProperty("waitingReason");
        Assert.Multiple(() =>
        {
            Assert.That(reason.StringOrNull("kind"), Is.EqualTo("concurrency"));
            Assert.That(reason.StringOrNull("group"), Is.EqualTo("deploy-prod"));
            Assert.That(reason.StringOrNull("detail"), Does.Contain($"held by run #{holding.Number}"));
            Assert.That(reason.GetProperty("heldBy").GetProperty("runNumber").GetInt64(), Is.EqualTo(holding.Number));
            Assert.That(reason.GetProperty("heldBy").StringOrNull("url"), Does.EndWith($"/api/v1/runs/{holding.Id}"));
        });

        var a = (await Client.WaitForEndAsync(first.Id)).Job("deploy");
        var b = (await Client.WaitForEndAsync(second.Id)).Job("deploy");
        Assert.That(new[] { a.Status, b.Status }, Is.All.EqualTo("success"));
        var (earlier, later) = a.StartedAt < b.StartedAt ? (a, b) : (b, a);
        Assert.That(later.StartedAt, Is.GreaterThanOrEqualTo(earlier.FinishedAt!.Value), "the group's jobs did not overlap");
    }

    [Test]
    public async Task Jobs_of_another_group_or_of_no_group_are_not_held_back_by_a_full_group()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              deploy:
                concurrency: deploy-prod
                steps:
                  - run: sleep 4
              other:
                concurrency: {group: docs, limit: 2}
                steps:
                  - run: sleep 1
              free:
                steps:
                  - run: sleep 1
            """);
        var first = await Client.TriggerAsync(project.Slug);
        var second = await Client.TriggerAsync(project.Slug);
        // While one deploy holds the group, both runs' other and free jobs finish.
        var done = await WaitForAsync(async () =>
        {
            var runs = new[] { await Client.GetRunAsync(first.Id), await Client.GetRunAsync(second.Id) };
            return runs.All(r => r.Job("other").Status == "success" && r.Job("free").Status == "success") ? runs : null;
        }, "the jobs outside the full group to finish");
        Assert.That(done.Count(r => r.Job("deploy").Status == "success"), Is.LessThanOrEqualTo(1), string.Join("\n", done.Select(r => r.ToString())));
        await Client.WaitForEndAsync(first.Id);
        await Client.WaitForEndAsync(second.Id);
    }

    [Test]
    public async Task A_job_waiting_on_its_needs_names_the_ones_not_done()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              build:
                steps:
                  - run: sleep 2
              lint:
                steps:
                  - run: sleep 2
              deploy:
                needs: [build, lint]
                steps:
                  - run: echo deploying
            """);
        var run = await Client.TriggerAsync(project.Slug);
        var reason = (await JobJsonAsync(run.Id, "deploy")).GetProperty("waitingReason");
        Assert.Multiple(() =>
        {
            Assert.That(reason.StringOrNull("kind"), Is.EqualTo("needs"));
            Assert.That(reason.GetProperty("needs").EnumerateArray().Select(n => n.GetString()), Is.EqualTo(new[] { "build", "lint" }));
            Assert.That(reason.StringOrNull("detail"), Is.EqualTo("waiting for 'build' and 'lint' to finish"));
        });

        var ended = await Client.WaitForEndAsync(run.Id);
        Assert.That(ended.Status, Is.EqualTo("success"));
        Assert.That((await JobJsonAsync(run.Id, "deploy")).GetProperty("waitingReason").ValueKind, Is.EqualTo(JsonValueKind.Null),
            "a job that ran waits for nothing");
    }

    private static string SleepPipeline(int seconds) => $$"""
        jobs:
          work:
            steps:
              - run: sleep {{seconds}}
        """;

    private Task<Guid> PushAsync(TestRepository repository, CreatedProject project, string fullRef, string sha) =>
        SendRunAsync(ForgePayloads.Github("/hooks/github", "push", ForgePayloads.GithubPush(repository, fullRef, sha), project.WebhookSecret));

    private async Task<Guid> SendRunAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await Client.SendAsync(request))
        {
            var body = await response.ReadJsonAsync();
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), body.ToString());
            Assert.That(body.StringOrNull("outcome"), Is.EqualTo("run_created"), body.ToString());
            return body.GetProperty("runId").GetGuid();
        }
    }

    private async Task<JsonElement> RunJsonAsync(Guid runId)
    {
        using var response = await Client.GetAsync($"/api/v1/runs/{runId}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.ReadJsonAsync();
    }

    /// <summary>The latest attempt of a job as the run answer shows it.</summary>
    private async Task<JsonElement> JobJsonAsync(Guid runId, string name) =>
        (await RunJsonAsync(runId)).GetProperty("jobs").EnumerateArray().Last(j => j.GetProperty("name").GetString() == name);

    private async Task WaitForLogAsync(RunView run, string line)
    {
        await WaitForAsync(async () => PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("work"))).Contains(line) ? (object)true : null,
            $"the log to show '{line}'");
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what) where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } found) return found;
            if (clock.Elapsed > PipelineApi.RunTimeout) Assert.Fail($"timed out waiting for {what}");
            await Task.Delay(100);
        }
    }
}

/// <summary>One runner slot: a queued job says that no slot is free and where it stands in the queue.</summary>
public sealed class OneRunnerSlotQueueTests : PipelineTestBase
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
        new Dictionary<string, string?> { ["Runner:MaxParallelJobs"] = "1" };

    [Test]
    public async Task A_queued_job_says_no_runner_slot_is_free_and_gives_its_position()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              one:
                steps:
                  - run: sleep 3
              two:
                steps:
                  - run: sleep 1
            """);
        var first = await Client.TriggerAsync(project.Slug);
        await Client.WaitForRunAsync(first.Id, r => r.Jobs.Any(j => j.Status == "running"), "start a job");
        var second = await Client.TriggerAsync(project.Slug);

        var firstWaiting = (await JobsJsonAsync(first.Id)).Single(j => j.GetProperty("status").GetString() == "queued");
        var secondJobs = await JobsJsonAsync(second.Id);
        var reason = firstWaiting.GetProperty("waitingReason");
        Assert.Multiple(() =>
        {
            Assert.That(reason.StringOrNull("kind"), Is.EqualTo("runner_slot"));
            Assert.That(reason.GetProperty("position").GetInt32(), Is.EqualTo(1));
            Assert.That(reason.StringOrNull("detail"), Is.EqualTo("waiting for a free runner slot: position 1 in the queue (1 job running)"));
            Assert.That(secondJobs.Select(j => j.GetProperty("waitingReason").GetProperty("position").GetInt32()).Order(), Is.EqualTo(new[] { 2, 3 }),
                "the later run's jobs stand behind the earlier run's");
        });
        Assert.That((await Client.WaitForEndAsync(first.Id)).Status, Is.EqualTo("success"));
        Assert.That((await Client.WaitForEndAsync(second.Id)).Status, Is.EqualTo("success"));
    }

    private async Task<List<JsonElement>> JobsJsonAsync(Guid runId)
    {
        using var response = await Client.GetAsync($"/api/v1/runs/{runId}");
        return [.. (await response.ReadJsonAsync()).GetProperty("jobs").EnumerateArray()];
    }
}
