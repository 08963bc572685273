using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comet.Application.Common.Interfaces;
using Comet.Orchestrator.Tests.Pipelines;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests.Outbound;

/// <summary>
/// Commit statuses back to the forge through real runs: a fake GitHub, GitLab and Gitea API on loopback records what
/// arrives, and each must get exactly the requests its API documents, with the token from the project's secret.
/// </summary>
public sealed class ForgeStatusTests : PipelineTestBase
{
    private const string PublicUrl = "https://ci.example.com";
    private const string Token = "forge-token-Zq81xK";

    private const string TwoJobs = """
        jobs:
          build:
            steps:
              - run: echo building
          test:
            needs: [build]
            steps:
              - run: echo testing
        """;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Outbound:AllowPrivateAddresses"] = "true",
        ["Comet:PublicUrl"] = PublicUrl,
        ["Outbox:BaseDelay"] = "00:00:00.050",
        ["Outbox:MaxDelay"] = "00:00:00.200",
        ["Outbox:PollInterval"] = "00:00:00.100",
    };

    private async Task<(TestRepository Repository, CreatedProject Project)> ForgeProjectAsync(string forge, string apiUrl, bool perJob = false,
        string pipeline = TwoJobs)
    {
        var (repository, project) = await ProjectWithAsync(pipeline, forge: forge);
        await Client.SetSecretAsync(project.Slug, "STATUS_TOKEN", Token);
        using var put = await Client.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/forge-status",
            new { apiUrl, tokenSecret = "STATUS_TOKEN", perJob, repository = "acme/widgets" });
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
        return (repository, project);
    }

    private static string[] States(IEnumerable<ReceivedRequest> requests, string contextField = "context") =>
        [.. requests.Select(r => $"{r.Json.GetProperty(contextField).GetString()} {r.Json.GetProperty("state").GetString()}")];

    private async Task<RunView> RunToEndAsync(CreatedProject project, TestRepository repository)
    {
        var run = await Client.TriggerAsync(project.Slug, sha: repository.HeadSha);
        var ended = await Client.WaitForEndAsync(run.Id);
        Assert.That(ended.Status, Is.EqualTo("success"), ended.ToString());
        return ended;
    }

    /// <summary>
    /// Waits for the run's final status, then a little more (nothing else may come), and checks the outbox is empty.
    /// </summary>
    private async Task<IReadOnlyList<ReceivedRequest>> FinalAsync(FakeReceiver forge, string slug, string contextField = "context")
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!forge.Received.Any(r => r.Json.GetProperty(contextField).GetString() == "comet"
                                        && r.Json.GetProperty("state").GetString() is "success" or "failure" or "failed" or "error" or "canceled"))
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"the forge got no final status; the outbox: {string.Join("\n", await Client.ListOutboundAsync(slug))}");
            await Task.Delay(50);
        }
        await Task.Delay(500); // nothing more may come
        var pending = await Client.ListOutboundAsync(slug, "pending");
        Assert.That(pending, Is.Empty, "every status left: " + string.Join("; ", pending));
        return forge.Received;
    }

    /// <summary>
    /// A run's statuses: pending, running, then its result. The run is marked running when its first job is claimed,
    /// so "running" is never skipped, however short the job.
    /// </summary>
    private static void AssertRunSequence(IReadOnlyList<string> actual, params string[] expected) =>
        Assert.That(actual, Is.EqualTo(expected));

    [Test]
    public async Task A_signed_github_push_reports_pending_running_and_success_to_github()
    {
        await using var github = await FakeReceiver.StartAsync();
        var (repository, project) = await ForgeProjectAsync("github", github.Url + "/api/v3");

        using var hook = await Client.SendAsync(ForgePayloads.Github("/hooks/github", "push",
            ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha), project.WebhookSecret));
        Assert.That(hook.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await hook.Content.ReadAsStringAsync());
        var runId = (await hook.ReadJsonAsync()).GetProperty("runId").GetGuid();
        var run = await Client.WaitForEndAsync(runId);
        Assert.That(run.Status, Is.EqualTo("success"));

        var received = await FinalAsync(github, project.Slug);
        AssertRunSequence([.. received.Select(r => r.Json.GetProperty("description").GetString()!)],
            $"Run #{run.Number} is queued", $"Run #{run.Number} is running", $"Run #{run.Number} succeeded");
        AssertRunSequence(States(received), "comet pending", "comet pending", "comet success");
        foreach (var request in received)
            Assert.Multiple(() =>
            {
                Assert.That(request.Method, Is.EqualTo("POST"));
                Assert.That(request.Path, Is.EqualTo($"/api/v3/repos/acme/widgets/statuses/{repository.HeadSha}"));
                Assert.That(request.Header("Authorization"), Is.EqualTo("Bearer " + Token));
                Assert.That(request.Header("Accept"), Is.EqualTo("application/vnd.github+json"));
                Assert.That(request.Json.GetProperty("target_url").GetString(), Is.EqualTo($"{PublicUrl}/api/v1/runs/{run.Id}"));
                Assert.That(request.Json.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "state", "context", "description", "target_url" }));
            });
    }

    [Test]
    public async Task GitLab_gets_pending_running_and_success_with_its_own_words_path_and_token_header()
    {
        await using var gitlab = await FakeReceiver.StartAsync();
        var (repository, project) = await ForgeProjectAsync("gitlab", gitlab.Url + "/api/v4");

        var run = await RunToEndAsync(project, repository);

        var received = await FinalAsync(gitlab, project.Slug, "name");
        AssertRunSequence(States(received, "name"), "comet pending", "comet running", "comet success");
        foreach (var request in received)
            Assert.Multiple(() =>
            {
                Assert.That(request.Path, Is.EqualTo($"/api/v4/projects/acme%2Fwidgets/statuses/{repository.HeadSha}"));
                Assert.That(request.Header("PRIVATE-TOKEN"), Is.EqualTo(Token));
                Assert.That(request.Header("Authorization"), Is.Null);
                Assert.That(request.Json.GetProperty("ref").GetString(), Is.EqualTo("main"));
                Assert.That(request.Json.GetProperty("target_url").GetString(), Is.EqualTo($"{PublicUrl}/api/v1/runs/{run.Id}"));
                Assert.That(request.Json.TryGetProperty("coverage", out _), Is.False, "the run reported no coverage");
            });
    }

    [Test]
    public async Task Gitea_gets_pending_running_and_success_with_a_token_authorization()
    {
        await using var gitea = await FakeReceiver.StartAsync();
        var (repository, project) = await ForgeProjectAsync("gitea", gitea.Url + "/api/v1");

        await RunToEndAsync(project, repository);

        var received = await FinalAsync(gitea, project.Slug);
        AssertRunSequence(States(received), "comet pending", "comet pending", "comet success");
        Assert.That(received.Select(r => r.Path), Is.All.EqualTo($"/api/v1/repos/acme/widgets/statuses/{repository.HeadSha}"));
        Assert.That(received.Select(r => r.Header("Authorization")), Is.All.EqualTo("token " + Token));
    }

    [Test]
    public async Task PerJob_adds_a_status_context_for_each_job()
    {
        await using var github = await FakeReceiver.StartAsync();
        var (repository, project) = await ForgeProjectAsync("github", github.Url, perJob: true);

        await RunToEndAsync(project, repository);

        var received = await FinalAsync(github, project.Slug);
        await Task.Delay(500); // the jobs' last statuses may be a moment behind the run's
        var byContext = received.GroupBy(r => r.Json.GetProperty("context").GetString()!)
            .ToDictionary(g => g.Key, g => g.Select(r => r.Json.GetProperty("description").GetString()).ToArray());
        Assert.That(byContext.Keys, Is.EquivalentTo(new[] { "comet", "comet/build", "comet/test" }));
        Assert.Multiple(() =>
        {
            // A job's claim is a state change like any other: queued, running, then its result.
            Assert.That(byContext["comet/build"], Is.EqualTo(new[] { "build is queued", "build is running", "build succeeded" }));
            Assert.That(byContext["comet/test"], Is.EqualTo(new[] { "test is queued", "test is running", "test succeeded" }));
            AssertRunSequence(byContext["comet"]!, "Run #1 is queued", "Run #1 is running", "Run #1 succeeded");
            Assert.That(States(received.Where(r => r.Json.GetProperty("context").GetString() == "comet/test")),
                Is.EqualTo(new[] { "comet/test pending", "comet/test pending", "comet/test success" }));
        });
    }

    [Test]
    public async Task A_401_makes_the_status_dead_at_once_and_the_setting_shows_the_token_was_rejected()
    {
        await using var github = await FakeReceiver.StartAsync();
        github.Responder = _ => new FakeAnswer(401, "{\"message\":\"Bad credentials\"}");
        var (repository, project) = await ForgeProjectAsync("github", github.Url);

        await RunToEndAsync(project, repository);
        await github.WaitForAsync(r => r.Count >= 1, "a status");
        var dead = await WaitForDeadAsync(project.Slug, 2); // pending, (running,) success: each refused

        Assert.That(dead.Select(d => d.GetProperty("attempts").GetInt32()), Is.All.EqualTo(1), "a rejected status is not retried");
        var setting = await Client.ListAsync($"/api/v1/projects/{project.Slug}/forge-status");
        Assert.That(setting.StringOrNull("problem"), Does.Match($@"^status token rejected \(401 from {System.Text.RegularExpressions.Regex.Escape(github.Url)} at \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)$"));
        Assert.That(setting.ToString(), Does.Not.Contain(Token));

        // The token never reaches the delivery log or the outbox table.
        foreach (var delivery in dead)
            Assert.That((await Client.GetDeliveryAsync(delivery.GetProperty("id").GetGuid())).ToString(), Does.Not.Contain(Token));
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
        var rows = await db.OutboxMessages.AsNoTracking().ToListAsync();
        var attempts = await db.OutboxAttempts.AsNoTracking().ToListAsync();
        Assert.That(rows, Is.Not.Empty);
        Assert.That(JsonSerializer.Serialize(rows) + JsonSerializer.Serialize(attempts), Does.Not.Contain(Token));

        // A fixed token and a later status that gets through clear the problem.
        github.Responder = _ => FakeAnswer.Ok;
        using (var redeliver = await Client.PostAsync($"/api/v1/projects/{project.Slug}/deliveries/redeliver-dead", null))
            Assert.That(redeliver.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await github.WaitForAsync(_ => github.Answered.Count >= dead.Count, "the redelivered statuses");
        await Task.Delay(300);
        Assert.That((await Client.ListAsync($"/api/v1/projects/{project.Slug}/forge-status")).GetProperty("problem").ValueKind,
            Is.EqualTo(JsonValueKind.Null));
    }

    private async Task<List<JsonElement>> WaitForDeadAsync(string slug, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var dead = await Client.ListOutboundAsync(slug, "dead");
            if (dead.Count >= count && (await Client.ListOutboundAsync(slug, "pending")).Count == 0) return dead;
            if (DateTime.UtcNow > deadline) Assert.Fail($"only {dead.Count} dead: {string.Join("; ", await Client.ListOutboundAsync(slug))}");
            await Task.Delay(100);
        }
    }

    [Test]
    public async Task The_setting_names_what_is_wrong()
    {
        var (_, project) = await ProjectWithAsync(TwoJobs, forge: "gitea");
        await Client.SetSecretAsync(project.Slug, "STATUS_TOKEN", Token);

        async Task<string?> DetailAsync(object body)
        {
            using var put = await Client.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/forge-status", body);
            return (await put.ReadProblemAsync(HttpStatusCode.BadRequest)).StringOrNull("detail");
        }

        Assert.Multiple(async () =>
        {
            Assert.That(await DetailAsync(new { tokenSecret = "STATUS_TOKEN", repository = "acme/widgets" }),
                Does.Contain("apiUrl is required for Gitea"));
            Assert.That(await DetailAsync(new { apiUrl = "https://gitea.example.com/api/v1", tokenSecret = "STATUS_TOKEN" }),
                Does.Contain("repository is required: it cannot be read from the project's repoUrl"));
            Assert.That(await DetailAsync(new { apiUrl = "https://gitea.example.com/api/v1", tokenSecret = "NOT_THERE", repository = "acme/widgets" }),
                Does.Contain("tokenSecret 'NOT_THERE' is not a secret of this project or the instance"));
            Assert.That(await DetailAsync(new { apiUrl = "https://gitea.example.com/api/v1", tokenSecret = "bad name", repository = "acme/widgets" }),
                Does.Contain("tokenSecret is the name of a project secret"));
        });
        using var missing = await Client.GetAsync($"/api/v1/projects/{project.Slug}/forge-status");
        Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task GitLab_gets_the_runs_line_coverage_with_its_final_status()
    {
        const string pipeline = """
            jobs:
              test:
                steps:
                  - run: echo measured
                reports:
                  coverage: [coverage.xml]
            """;
        const string cobertura = """
            <?xml version="1.0" ?>
            <coverage version="7.4" timestamp="1" lines-valid="8" lines-covered="6" line-rate="0.75" branches-covered="0" branches-valid="0" branch-rate="0" complexity="0">
              <packages><package name="." line-rate="0.75" branch-rate="0" complexity="0"><classes>
                <class name="core.py" filename="core.py" line-rate="0.75" branch-rate="0" complexity="0"><methods/><lines>
                  <line number="1" hits="1"/><line number="2" hits="1"/><line number="3" hits="1"/><line number="4" hits="1"/>
                  <line number="5" hits="1"/><line number="6" hits="1"/><line number="7" hits="0"/><line number="8" hits="0"/>
                </lines></class>
              </classes></package></packages>
            </coverage>
            """;
        await using var gitlab = await FakeReceiver.StartAsync();
        var (repository, project) = await ProjectWithAsync(pipeline, new Dictionary<string, string> { ["coverage.xml"] = cobertura }, forge: "gitlab");
        await Client.SetSecretAsync(project.Slug, "STATUS_TOKEN", Token);
        using (var put = await Client.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/forge-status",
                   new { apiUrl = gitlab.Url + "/api/v4", tokenSecret = "STATUS_TOKEN", repository = "acme/widgets" }))
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());

        await RunToEndAsync(project, repository);

        var received = await FinalAsync(gitlab, project.Slug, "name");
        var final = received.Single(r => r.Json.GetProperty("state").GetString() == "success");
        Assert.That(final.Json.GetProperty("coverage").GetDouble(), Is.EqualTo(75.0));
        Assert.That(received.Where(r => r != final).Select(r => r.Json.TryGetProperty("coverage", out _)), Is.All.False);
    }

    [Test]
    public async Task A_deleted_token_secret_makes_statuses_dead_and_the_setting_says_so()
    {
        await using var github = await FakeReceiver.StartAsync();
        var (repository, project) = await ForgeProjectAsync("github", github.Url);
        using (var delete = await Client.DeleteAsync($"/api/v1/projects/{project.Slug}/secrets/STATUS_TOKEN"))
            Assert.That(delete.IsSuccessStatusCode, await delete.Content.ReadAsStringAsync());

        await RunToEndAsync(project, repository);
        var dead = await WaitForDeadAsync(project.Slug, 2);

        Assert.That(dead.Select(d => d.GetProperty("deadReason").GetString()), Is.All.EqualTo("secret 'STATUS_TOKEN' is missing"));
        Assert.That(github.Received, Is.Empty, "nothing is sent without the token");
        var setting = await Client.ListAsync($"/api/v1/projects/{project.Slug}/forge-status");
        Assert.That(setting.StringOrNull("problem"), Does.StartWith("status token unavailable: secret 'STATUS_TOKEN' is missing (at "));
    }
}
