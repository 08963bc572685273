using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Comet.TestSupport;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.Orchestrator.Tests.Testing;

namespace Comet.Orchestrator.Tests.Environments;

/// <summary>
/// Protected environments through real runs: a deploy waits in waiting_for_approval and says for whom, the run's
/// author may not approve it, a developer may not either, a second maintainer's approval starts it, a rejection or a
/// timeout fails it, a ref outside the rules fails it loudly before any step, and <c>when: manual</c> waits for a click.
/// </summary>
public sealed class ApprovalTests : PipelineTestBase
{
    private const string DeployPipeline = """
        jobs:
          build:
            steps:
              - run: echo built
          deploy:
            needs: [build]
            environment: production
            steps:
              - run: echo deployed
        """;

    private async Task<JsonElement> ProtectAsync(string slug, object rules, string environment = "production")
    {
        using var response = await Client.PutAsJsonAsync($"/api/v1/projects/{slug}/environments/{environment}", rules);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private async Task<JsonElement> RunJsonAsync(Guid runId) => await Client.ListAsync($"/api/v1/runs/{runId}");

    private static JsonElement JobJson(JsonElement run, string name) =>
        run.GetProperty("jobs").EnumerateArray().Last(j => j.GetProperty("name").GetString() == name);

    private static string ApprovePath(RunView run, string job, string verb = "approve") => $"/api/v1/runs/{run.Id}/jobs/{run.Job(job).Id}/{verb}";

    private Task<RunView> WaitForJobAsync(Guid runId, string job, string status) =>
        Client.WaitForRunAsync(runId, r => r.Jobs.Any(j => j.Name == job && j.Status == status), $"have '{job}' {status}");

    /// <summary>A maintainer of the project, signed in on a client of its own.</summary>
    private async Task<(string Name, HttpClient Client)> MemberAsync(string slug, string role)
    {
        var (name, client) = await Factory.NewUserAsync(Client);
        await Client.AddMemberAsync(slug, name, role);
        return (name, client);
    }

    [Test]
    public async Task Protection_rules_are_set_whole_shown_on_the_environment_and_refused_when_malformed()
    {
        var (_, project) = await ProjectWithAsync(DeployPipeline);

        var set = await ProtectAsync(project.Slug, new { requiredApprovals = 2, branches = new[] { "main", "release/*" }, tags = new[] { "v*" },
            approvalTimeout = "2h", deployLock = true, url = "https://shop.example.com" });
        var listed = (await Client.ListAsync($"/api/v1/projects/{project.Slug}/environments")).GetProperty("items").EnumerateArray().Single();
        // A PUT: what is left out goes back to its default.
        var reset = await ProtectAsync(project.Slug, new { requiredApprovals = 1 });

        Assert.Multiple(() =>
        {
            var protection = set.GetProperty("protection");
            Assert.That(set.GetProperty("name").GetString(), Is.EqualTo("production"));
            Assert.That(set.GetProperty("url").GetString(), Is.EqualTo("https://shop.example.com"));
            Assert.That(protection.GetProperty("requiredApprovals").GetInt32(), Is.EqualTo(2));
            Assert.That(protection.GetProperty("branches").EnumerateArray().Select(b => b.GetString()), Is.EqualTo(new[] { "main", "release/*" }));
            Assert.That(protection.GetProperty("tags").EnumerateArray().Select(b => b.GetString()), Is.EqualTo(new[] { "v*" }));
            Assert.That(protection.GetProperty("approvalTimeout").GetString(), Is.EqualTo("2h"));
            Assert.That(protection.GetProperty("deployLock").GetBoolean(), Is.True);
            Assert.That(protection.GetProperty("allowSelfApproval").GetBoolean(), Is.False);
            Assert.That(listed.GetProperty("protection").GetRawText(), Is.EqualTo(protection.GetRawText()));
            var after = reset.GetProperty("protection");
            Assert.That(after.GetProperty("requiredApprovals").GetInt32(), Is.EqualTo(1));
            Assert.That(after.GetProperty("branches").GetArrayLength(), Is.Zero);
            Assert.That(after.GetProperty("approvalTimeout").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(after.GetProperty("deployLock").GetBoolean(), Is.False);
        });

        var path = $"/api/v1/projects/{project.Slug}/environments/production";
        foreach (var (body, expected) in new (object, string)[]
                 {
                     (new { requiredApprovals = 11 }, "requiredApprovals is a whole number from 0 to 10"),
                     (new { approvalTimeout = "soon" }, "approvalTimeout 'soon' is not a duration"),
                     (new { branches = new[] { " main" } }, "branches is a list of at most"),
                     (new { url = "javascript:alert(1)" }, "url is an absolute http:// or https:// address"),
                 })
        {
            using var refused = await Client.PutAsJsonAsync(path, body);
            var problem = await refused.ReadProblemAsync(HttpStatusCode.BadRequest);
            Assert.That(problem.GetRawText(), Does.Contain(expected));
        }
        using (var badName = await Client.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/environments/pro%20duction", new { }))
            Assert.That((await badName.ReadProblemAsync(HttpStatusCode.BadRequest)).GetRawText(), Does.Contain("is not an environment name"));

        var (_, developer) = await MemberAsync(project.Slug, "developer");
        using (developer)
        using (var byDeveloper = await developer.PutAsJsonAsync(path, new { requiredApprovals = 0 }))
            await byDeveloper.ReadProblemAsync(HttpStatusCode.Forbidden);
        var (_, stranger) = await Factory.NewUserAsync(Client);
        using (stranger)
        using (var byStranger = await stranger.PutAsJsonAsync(path, new { requiredApprovals = 0 }))
            await byStranger.ReadProblemAsync(HttpStatusCode.NotFound);
        // Nothing refused changed what was set.
        var still = (await Client.ListAsync($"/api/v1/projects/{project.Slug}/environments")).GetProperty("items").EnumerateArray().Single();
        Assert.That(still.GetProperty("protection").GetProperty("requiredApprovals").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_protected_deploy_waits_refuses_its_author_and_a_developer_and_starts_on_a_maintainers_approval()
    {
        var (_, project) = await ProjectWithAsync(DeployPipeline);
        await ProtectAsync(project.Slug, new { requiredApprovals = 1 });
        var (maintainerName, maintainer) = await MemberAsync(project.Slug, "maintainer");
        var (_, developer) = await MemberAsync(project.Slug, "developer");
        using var _m = maintainer;
        using var _d = developer;

        var started = await Client.TriggerAsync(project.Slug);
        var waiting = await WaitForJobAsync(started.Id, "deploy", "waiting_for_approval");

        var json = JobJson(await RunJsonAsync(waiting.Id), "deploy");
        var reason = json.GetProperty("waitingReason");
        Assert.Multiple(() =>
        {
            Assert.That(waiting.Status, Is.EqualTo("running"), "the run is not over while its deploy waits");
            Assert.That(waiting.Job("build").Status, Is.EqualTo("success"));
            Assert.That(json.GetProperty("environment").GetString(), Is.EqualTo("production"));
            Assert.That(json.GetProperty("approvalsRequired").GetInt32(), Is.EqualTo(1));
            Assert.That(reason.GetProperty("kind").GetString(), Is.EqualTo("approval"));
            Assert.That(reason.GetProperty("approvalsGiven").GetInt32(), Is.Zero);
            Assert.That(reason.GetProperty("approvalsRequired").GetInt32(), Is.EqualTo(1));
            Assert.That(reason.GetProperty("exceptUser").GetString(), Is.EqualTo(OrchestratorFactory.AdminName));
            Assert.That(reason.GetProperty("detail").GetString(), Does.Contain("production").And.Contain("maintainer"));
        });

        using (var byAuthor = await Client.PostAsJsonAsync(ApprovePath(waiting, "deploy"), new { comment = "mine, so fine" }))
            Assert.That((await byAuthor.ReadProblemAsync(HttpStatusCode.Forbidden)).StringOrNull("detail"),
                Does.Contain($"You triggered run #{waiting.Number}").And.Contain("environment 'production' needs someone else's approval"));
        using (var byDeveloper = await developer.PostAsJsonAsync(ApprovePath(waiting, "deploy"), new { comment = "lgtm" }))
            Assert.That((await byDeveloper.ReadProblemAsync(HttpStatusCode.Forbidden)).StringOrNull("detail"), Does.Contain("needs a maintainer's approval"));
        Assert.That((await Client.GetRunAsync(waiting.Id)).Job("deploy").Status, Is.EqualTo("waiting_for_approval"), "a refused approval changes nothing");

        using (var approved = await maintainer.PostAsJsonAsync(ApprovePath(waiting, "deploy"), new { comment = "Release notes checked." }))
            Assert.That(approved.StatusCode, Is.EqualTo(HttpStatusCode.OK), await approved.Content.ReadAsStringAsync());
        using (var twice = await maintainer.PostAsJsonAsync(ApprovePath(waiting, "deploy"), new { }))
            await twice.ReadProblemAsync(HttpStatusCode.Conflict);
        var done = await Client.WaitForEndAsync(waiting.Id);

        var approvals = JobJson(await RunJsonAsync(done.Id), "deploy").GetProperty("approvals").EnumerateArray().ToList();
        Assert.Multiple(async () =>
        {
            Assert.That(done.Status, Is.EqualTo("success"), done.ToString());
            Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(done, done.Job("deploy"))), Is.EqualTo(new[] { "deployed" }));
            Assert.That(approvals.Select(a => (a.GetProperty("user").GetString(), a.GetProperty("approved").GetBoolean(), a.GetProperty("comment").GetString())),
                Is.EqualTo(new[] { (maintainerName, true, "Release notes checked.") }));
        });
        var audit = await Client.ListAsync($"/api/v1/admin/audit?action=job_approved&user={maintainerName}");
        Assert.That(audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("detail").GetString()),
            Has.One.Contains($"run #{done.Number} job 'deploy'").And.Contains("Release notes checked."));
    }

    [Test]
    public async Task Two_required_approvals_need_two_people_and_a_rejection_fails_the_deploy_with_the_comment()
    {
        var (_, project) = await ProjectWithAsync(DeployPipeline);
        await ProtectAsync(project.Slug, new { requiredApprovals = 2, allowSelfApproval = true });
        var (otherName, other) = await MemberAsync(project.Slug, "maintainer");
        using var _o = other;

        var first = await WaitForJobAsync((await Client.TriggerAsync(project.Slug)).Id, "deploy", "waiting_for_approval");
        // Self-approval allowed: the author's approval counts as one of two.
        using (var mine = await Client.PostAsJsonAsync(ApprovePath(first, "deploy"), new { comment = "me" }))
            Assert.That(mine.StatusCode, Is.EqualTo(HttpStatusCode.OK), await mine.Content.ReadAsStringAsync());
        var reason = JobJson(await RunJsonAsync(first.Id), "deploy").GetProperty("waitingReason");
        Assert.Multiple(() =>
        {
            Assert.That(reason.GetProperty("approvalsGiven").GetInt32(), Is.EqualTo(1));
            Assert.That(reason.GetProperty("approvedBy").EnumerateArray().Select(u => u.GetString()), Is.EqualTo(new[] { OrchestratorFactory.AdminName }));
        });
        using (var theirs = await other.PostAsJsonAsync(ApprovePath(first, "deploy"), new { }))
            Assert.That(theirs.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Client.WaitForEndAsync(first.Id)).Status, Is.EqualTo("success"));

        var second = await WaitForJobAsync((await Client.TriggerAsync(project.Slug)).Id, "deploy", "waiting_for_approval");
        using (var rejected = await other.PostAsJsonAsync(ApprovePath(second, "deploy", "reject"), new { comment = "not on a Friday" }))
            Assert.That(rejected.StatusCode, Is.EqualTo(HttpStatusCode.OK), await rejected.Content.ReadAsStringAsync());
        var ended = await Client.WaitForEndAsync(second.Id);

        Assert.Multiple(() =>
        {
            Assert.That(ended.Status, Is.EqualTo("failed"), ended.ToString());
            Assert.That(ended.Job("deploy").Status, Is.EqualTo("failed"));
            Assert.That(ended.Job("deploy").Note, Is.EqualTo($"rejected by {otherName}: not on a Friday"));
            Assert.That(ended.Job("deploy").Steps.All(s => s.Status == "skipped"), Is.True, "no step ran");
        });
        using var late = await Client.PostAsJsonAsync(ApprovePath(ended, "deploy"), new { });
        Assert.That((await late.ReadProblemAsync(HttpStatusCode.Conflict)).StringOrNull("detail"), Does.Contain("only a job waiting for approval"));
    }

    [Test]
    public async Task A_deploy_nobody_approves_in_time_fails_with_approval_timed_out()
    {
        var (_, project) = await ProjectWithAsync(DeployPipeline);
        await ProtectAsync(project.Slug, new { requiredApprovals = 1, approvalTimeout = "1s" });

        var ended = await Client.WaitForEndAsync((await Client.TriggerAsync(project.Slug)).Id);

        Assert.Multiple(() =>
        {
            Assert.That(ended.Status, Is.EqualTo("failed"), ended.ToString());
            Assert.That(ended.Job("deploy").Note, Does.StartWith("approval timed out"));
            Assert.That(ended.Job("deploy").Steps.All(s => s.Status == "skipped"), Is.True);
        });
    }

    [Test]
    public async Task A_branch_the_rules_do_not_allow_fails_loudly_before_any_step_and_an_allowed_branch_deploys()
    {
        var (repository, project) = await ProjectWithAsync("""
            jobs:
              deploy:
                environment: production
                secrets: [DEPLOY_TOKEN]
                steps:
                  - run: echo "token=${#DEPLOY_TOKEN}"
            """);
        await ProtectAsync(project.Slug, new { branches = new[] { "release/*" } });
        using (var secret = await Client.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/secrets/DEPLOY_TOKEN", new { value = "prod-token-1234", environment = "production" }))
            Assert.That(secret.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        repository.Git("branch", "release/1.0");

        var fromMain = await Client.WaitForEndAsync((await Client.TriggerAsync(project.Slug, "main")).Id);
        var fromRelease = await Client.WaitForEndAsync((await Client.TriggerAsync(project.Slug, "release/1.0")).Id);

        Assert.Multiple(async () =>
        {
            Assert.That(fromMain.Status, Is.EqualTo("failed"), fromMain.ToString());
            Assert.That(fromMain.Job("deploy").Note, Is.EqualTo("branch 'main' may not deploy to 'production': its rules allow only branches release/*"));
            Assert.That(fromMain.Job("deploy").Steps.Single().Status, Is.EqualTo("skipped"));
            Assert.That(fromRelease.Status, Is.EqualTo("success"), fromRelease.ToString());
            Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(fromRelease, fromRelease.Job("deploy"))), Is.EqualTo(new[] { "token=15" }));
        });
        var used = await Client.ListAsync("/api/v1/admin/audit?action=secret_used&pageSize=100");
        Assert.That(used.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("detail").GetString()),
            Has.None.Contains($"run #{fromMain.Number} ").And.Contains(project.Slug), "the refused deploy was given no secret");
    }

    [Test]
    public async Task A_manual_job_waits_for_a_click_from_a_developer_and_a_rejected_one_is_skipped()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              test:
                steps:
                  - run: echo tested
              publish:
                needs: [test]
                when: manual
                steps:
                  - run: echo published
            """);
        var (developerName, developer) = await MemberAsync(project.Slug, "developer");
        using var _d = developer;

        var first = await WaitForJobAsync((await Client.TriggerAsync(project.Slug)).Id, "publish", "waiting_for_approval");
        var json = JobJson(await RunJsonAsync(first.Id), "publish");
        Assert.Multiple(() =>
        {
            Assert.That(json.GetProperty("manual").GetBoolean(), Is.True);
            Assert.That(json.GetProperty("waitingReason").GetProperty("kind").GetString(), Is.EqualTo("approval"));
            Assert.That(json.GetProperty("waitingReason").GetProperty("detail").GetString(), Does.Contain("manual"));
        });
        // A plain manual job is any developer's click, the run's author included.
        using (var click = await developer.PostAsJsonAsync(ApprovePath(first, "publish"), new { }))
            Assert.That(click.StatusCode, Is.EqualTo(HttpStatusCode.OK), await click.Content.ReadAsStringAsync());
        var clicked = await Client.WaitForEndAsync(first.Id);

        var second = await WaitForJobAsync((await Client.TriggerAsync(project.Slug)).Id, "publish", "waiting_for_approval");
        using (var no = await developer.PostAsJsonAsync(ApprovePath(second, "publish", "reject"), new { comment = "not this one" }))
            Assert.That(no.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var skipped = await Client.WaitForEndAsync(second.Id);

        Assert.Multiple(async () =>
        {
            Assert.That(clicked.Status, Is.EqualTo("success"), clicked.ToString());
            Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(clicked, clicked.Job("publish"))), Is.EqualTo(new[] { "published" }));
            Assert.That(skipped.Job("publish").Status, Is.EqualTo("skipped"), skipped.ToString());
            Assert.That(skipped.Job("publish").Note, Is.EqualTo($"not started: rejected by {developerName}: not this one"));
            Assert.That(skipped.Status, Is.EqualTo("success"), "declining an optional manual step is not a failure");
        });
    }

    [Test]
    public async Task The_deploy_lock_runs_one_deploy_at_a_time_and_skips_an_older_waiting_deploy_naming_the_newer_run()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              deploy:
                environment: production
                steps:
                  - run: sleep "${HOLD:-0}"; echo "deployed $COMET_RUN_NUMBER"
            """);
        await ProtectAsync(project.Slug, new { deployLock = true });

        var first = await Client.TriggerAsync(project.Slug, variables: new Dictionary<string, string> { ["HOLD"] = "4" });
        await WaitForJobAsync(first.Id, "deploy", "running");
        var second = await Client.TriggerAsync(project.Slug);
        var blocked = await Client.WaitForRunAsync(second.Id, r => r.Job("deploy").Status == "queued", "queue its deploy");
        var reason = JobJson(await RunJsonAsync(blocked.Id), "deploy").GetProperty("waitingReason");
        var third = await Client.TriggerAsync(project.Slug);

        var firstDone = await Client.WaitForEndAsync(first.Id);
        var secondDone = await Client.WaitForEndAsync(second.Id);
        var thirdDone = await Client.WaitForEndAsync(third.Id);

        Assert.Multiple(() =>
        {
            Assert.That(reason.GetProperty("kind").GetString(), Is.EqualTo("deploy_lock"), reason.ToString());
            Assert.That(reason.GetProperty("environment").GetString(), Is.EqualTo("production"));
            Assert.That(reason.GetProperty("heldBy").GetProperty("runNumber").GetInt64(), Is.EqualTo(first.Number));
            Assert.That(firstDone.Status, Is.EqualTo("success"), firstDone.ToString());
            Assert.That(secondDone.Job("deploy").Status, Is.EqualTo("skipped"), secondDone.ToString());
            Assert.That(secondDone.Job("deploy").Note, Does.Contain($"run #{thirdDone.Number} deploys to 'production' after it"));
            Assert.That(thirdDone.Status, Is.EqualTo("success"), thirdDone.ToString());
            Assert.That(thirdDone.Job("deploy").StartedAt, Is.GreaterThanOrEqualTo(firstDone.Job("deploy").FinishedAt!.Value),
                "the newer deploy started only after the running one finished");
        });
    }

    [Test]
    public async Task The_readmes_deploy_example_runs_as_written_with_its_protection_rules()
    {
        var section = RepositoryFiles.ReadAllText("README.md").Split("### Deploying with Comet")[1].Split("\n### ")[0];
        var pipeline = Regex.Match(section, "```yaml\n(?<body>.*?)```", RegexOptions.Singleline).Groups["body"].Value;
        var rules = Regex.Match(section, "-d '(?<body>\\{.*?\\})'", RegexOptions.Singleline).Groups["body"].Value;
        Assert.That(pipeline, Does.Contain("environment:"), "the README's deploy pipeline");
        Assert.That(rules, Does.Contain("requiredApprovals"), "the README's protection rules");
        var (_, project) = await ProjectWithAsync(pipeline);
        using (var put = await Client.PutAsync($"/api/v1/projects/{project.Slug}/environments/production",
                   new StringContent(rules, System.Text.Encoding.UTF8, "application/json")))
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
        using (var secret = await Client.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/secrets/DEPLOY_TOKEN", new { value = "0123456789abcdef", environment = "production" }))
            Assert.That(secret.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var (_, maintainer) = await MemberAsync(project.Slug, "maintainer");
        using var _m = maintainer;

        var waiting = await WaitForJobAsync((await Client.TriggerAsync(project.Slug)).Id, "deploy", "waiting_for_approval");
        using (var approve = await maintainer.PostAsJsonAsync(ApprovePath(waiting, "deploy"), new { comment = "go" }))
            Assert.That(approve.StatusCode, Is.EqualTo(HttpStatusCode.OK), await approve.Content.ReadAsStringAsync());
        var manual = await WaitForJobAsync(waiting.Id, "smoke", "waiting_for_approval");
        using (var click = await Client.PostAsJsonAsync(ApprovePath(manual, "smoke"), new { }))
            Assert.That(click.StatusCode, Is.EqualTo(HttpStatusCode.OK), await click.Content.ReadAsStringAsync());
        var done = await Client.WaitForEndAsync(waiting.Id);

        Assert.Multiple(async () =>
        {
            Assert.That(done.Status, Is.EqualTo("success"), done.ToString());
            Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(done, done.Job("deploy"))), Is.EqualTo(new[] { "deploying with a 16-character token" }));
            Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(done, done.Job("smoke"))), Is.EqualTo(new[] { "smoke tested" }));
        });
    }
}
