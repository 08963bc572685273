using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comet.Orchestrator.Tests.Pipelines;

/// <summary>
/// What the web UI reads, over HTTP on the real host: run rows with their commit's author (from a push payload, or from
/// the repository for a manual run), paging by run number, the newest runs across the projects a user may see, and
/// the admin's lists of users and of the queue.
/// </summary>
public sealed class RunListApiTests : PipelineTestBase
{
    private const string Password = "a long enough password";

    private const string QuickPipeline = """
        jobs:
          work:
            steps:
              - run: echo quick
        """;

    private async Task<(string Name, HttpClient Client)> NewUserAsync()
    {
        var name = "u" + Guid.NewGuid().ToString("N")[..10];
        using var created = await Client.PostAsJsonAsync("/api/v1/admin/users", new { username = name, password = Password });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return (name, OrchestratorFactory.SignIn(Factory.CreateClient(), name, Password));
    }

    /// <summary>A project whose repository does not exist: a manual run of it is made at once, in error (the clone fails).</summary>
    private static async Task<(string Slug, Guid RunId)> ProjectWithOneRunAsync(HttpClient owner)
    {
        var project = await owner.CreateProjectAsync("file:///nonexistent/" + Guid.NewGuid().ToString("N"));
        var run = await owner.TriggerAsync(project.Slug);
        return (project.Slug, run.Id);
    }

    [Test]
    public async Task A_manual_run_row_names_the_commits_author_from_the_repository_and_the_user_who_started_it()
    {
        var (repository, project) = await ProjectWithAsync(QuickPipeline);

        var run = await Client.TriggerAsync(project.Slug);

        var row = (await Client.ListRunsAsync(project.Slug)).Single(r => r.GetProperty("id").GetGuid() == run.Id);
        Assert.Multiple(() =>
        {
            Assert.That(row.StringOrNull("commitAuthor"), Is.EqualTo(repository.Git("log", "-1", "--format=%an").Trim()));
            Assert.That(row.StringOrNull("triggeredBy"), Is.EqualTo(OrchestratorFactory.AdminName));
            Assert.That(row.StringOrNull("projectSlug"), Is.EqualTo(project.Slug));
            Assert.That(row.StringOrNull("branch"), Is.EqualTo("main"));
        });
        var answer = await Client.ListAsync($"/api/v1/runs/{run.Id}");
        Assert.That(answer.StringOrNull("commitAuthor"), Is.EqualTo(row.StringOrNull("commitAuthor")), "the run answer names the author too");
    }

    [Test]
    public async Task A_pushed_run_row_names_the_head_commits_author_from_the_payload()
    {
        var (repository, project) = await ProjectWithAsync(QuickPipeline, forge: "github");
        using var request = ForgePayloads.Github("/hooks/github", "push",
            ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha), project.WebhookSecret);
        using var response = await Client.SendAsync(request);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());

        var row = (await Client.ListRunsAsync(project.Slug)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(row.StringOrNull("commitAuthor"), Is.EqualTo("Zoë Müller"), "the payload's head commit author, not git's 't'");
            Assert.That(row.StringOrNull("triggeredBy"), Is.EqualTo("zoe"));
            Assert.That(row.StringOrNull("event"), Is.EqualTo("push"));
        });
    }

    [Test]
    public async Task Paging_by_run_number_over_http_gives_next_before_and_no_total()
    {
        var project = await Client.CreateProjectAsync("file:///nonexistent/" + Guid.NewGuid().ToString("N"));
        for (var i = 0; i < 3; i++) await Client.TriggerAsync(project.Slug);

        var first = await Client.ListAsync($"/api/v1/projects/{project.Slug}/runs?pageSize=2");
        var next = await Client.ListAsync($"/api/v1/projects/{project.Slug}/runs?pageSize=2&before={first.GetProperty("nextBefore").GetInt64()}");

        Assert.Multiple(() =>
        {
            Assert.That(first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetInt64()), Is.EqualTo(new long[] { 3, 2 }));
            Assert.That(first.GetProperty("totalCount").GetInt32(), Is.EqualTo(3));
            Assert.That(first.GetProperty("nextBefore").GetInt64(), Is.EqualTo(2));
            Assert.That(next.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetInt64()), Is.EqualTo(new long[] { 1 }));
            Assert.That(next.GetProperty("totalCount").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(next.GetProperty("nextBefore").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });
    }

    [TestCase("before=0", "before must be a run number")]
    [TestCase("before=3&page=2", "Give page or before, not both")]
    [TestCase("status=done", "Status must be one of")]
    public async Task A_bad_run_list_parameter_is_a_400_problem_with_a_detail(string query, string detail)
    {
        var project = await Client.CreateProjectAsync("file:///nonexistent/" + Guid.NewGuid().ToString("N"));

        using var response = await Client.GetAsync($"/api/v1/projects/{project.Slug}/runs?{query}");

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.GetRawText(), Does.Contain(detail));
    }

    [Test]
    public async Task Recent_runs_show_a_user_only_the_projects_they_are_a_member_of_and_an_admin_all()
    {
        var (_, alice) = await NewUserAsync();
        var (_, bob) = await NewUserAsync();
        using (alice)
        using (bob)
        {
            var (aliceSlug, aliceRun) = await ProjectWithOneRunAsync(alice);
            var (bobSlug, bobRun) = await ProjectWithOneRunAsync(bob);

            var seenByAlice = await RecentRunIdsAsync(alice, "?status=error,failed&limit=100");
            var seenByBob = await RecentRunIdsAsync(bob, "?status=error&status=failed&limit=100");
            var seenByAdmin = await RecentRunIdsAsync(Client, "?status=error&limit=100");

            Assert.Multiple(() =>
            {
                Assert.That(seenByAlice, Is.EqualTo(new[] { (aliceSlug, aliceRun) }));
                Assert.That(seenByBob, Is.EqualTo(new[] { (bobSlug, bobRun) }));
                Assert.That(seenByAdmin, Does.Contain((aliceSlug, aliceRun)).And.Contain((bobSlug, bobRun)));
            });
        }
    }

    private static async Task<List<(string, Guid)>> RecentRunIdsAsync(HttpClient client, string query) =>
        (await client.ListAsync("/api/v1/runs" + query)).GetProperty("items").EnumerateArray()
            .Select(i => (i.StringOrNull("projectSlug")!, i.GetProperty("id").GetGuid())).ToList();

    [Test]
    public async Task Recent_runs_refuse_a_limit_out_of_range_and_need_a_sign_in()
    {
        using var tooMany = await Client.GetAsync("/api/v1/runs?limit=101");
        using var anonymous = Factory.CreateClient();
        using var unsigned = await anonymous.GetAsync("/api/v1/runs");

        Assert.That((await tooMany.ReadProblemAsync(HttpStatusCode.BadRequest)).GetRawText(), Does.Contain("limit must be between 1 and 100"));
        await unsigned.ReadProblemAsync(HttpStatusCode.Unauthorized);
    }

    [TestCase("/api/v1/admin/users")]
    [TestCase("/api/v1/admin/queue")]
    public async Task The_admin_lists_are_a_403_problem_for_others(string path)
    {
        var (_, user) = await NewUserAsync();
        using (user)
        {
            using var response = await user.GetAsync(path);

            var problem = await response.ReadProblemAsync(HttpStatusCode.Forbidden);
            Assert.That(problem.StringOrNull("detail"), Is.EqualTo("Only administrators may do this."));
        }
    }

    [Test]
    public async Task An_admin_lists_the_accounts_without_secrets()
    {
        var (name, user) = await NewUserAsync();
        user.Dispose();
        var (resetName, resetUser) = await NewUserAsync();
        resetUser.Dispose();
        using (var reset = await Client.PostAsJsonAsync($"/api/v1/admin/users/{resetName}/password", new { }))
            Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.OK), await reset.Content.ReadAsStringAsync());

        var page = await Client.ListAsync("/api/v1/admin/users?pageSize=100");

        var row = page.GetProperty("items").EnumerateArray().Single(u => u.StringOrNull("username") == name);
        var resetRow = page.GetProperty("items").EnumerateArray().Single(u => u.StringOrNull("username") == resetName);
        var admin = page.GetProperty("items").EnumerateArray().Single(u => u.StringOrNull("username") == OrchestratorFactory.AdminName);
        Assert.Multiple(() =>
        {
            Assert.That(row.StringOrNull("role"), Is.EqualTo("user"));
            Assert.That(admin.StringOrNull("role"), Is.EqualTo("admin"));
            Assert.That(row.GetProperty("mustChangePassword").GetBoolean(), Is.False);
            Assert.That(resetRow.GetProperty("mustChangePassword").GetBoolean(), Is.True, "an admin reset shows until the user changes it");
            Assert.That(resetRow.GetProperty("passwordChangedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
            Assert.That(row.TryGetProperty("createdAt", out _), Is.True);
            Assert.That(page.GetRawText(), Does.Not.Contain("passwordHash").And.Not.Contain("securityStamp"));
        });
    }

    [Test]
    public async Task An_admin_reads_the_queue_with_the_waiting_reason_the_run_answer_gives()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              deploy:
                when: manual
                steps:
                  - run: echo deploy
            """);
        var run = await Client.TriggerAsync(project.Slug);
        var waiting = await Client.WaitForRunAsync(run.Id, r => r.Job("deploy").Status == "waiting_for_approval", "wait for its manual job");
        var runAnswer = await RunJobJsonAsync(run.Id, waiting.Job("deploy").Id);

        var queue = await Client.ListAsync("/api/v1/admin/queue?limit=100");

        var item = queue.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("runId").GetGuid() == run.Id);
        Assert.Multiple(() =>
        {
            Assert.That(item.StringOrNull("projectSlug"), Is.EqualTo(project.Slug));
            Assert.That(item.GetProperty("runNumber").GetInt64(), Is.EqualTo(waiting.Number));
            Assert.That(item.StringOrNull("job"), Is.EqualTo("deploy"));
            Assert.That(item.StringOrNull("status"), Is.EqualTo("waiting_for_approval"));
            Assert.That(item.GetProperty("waitingReason").StringOrNull("kind"), Is.EqualTo("approval"));
            Assert.That(item.GetProperty("waitingReason").GetRawText(), Is.EqualTo(runAnswer.GetProperty("waitingReason").GetRawText()));
            Assert.That(queue.GetProperty("total").GetInt32(), Is.GreaterThanOrEqualTo(1));
        });
    }

    private async Task<JsonElement> RunJobJsonAsync(Guid runId, Guid jobId) =>
        (await Client.ListAsync($"/api/v1/runs/{runId}")).GetProperty("jobs").EnumerateArray().Single(j => j.GetProperty("id").GetGuid() == jobId);
}
