using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Environments;

/// <summary>
/// Environments and deployments through real runs (the sandbox backend, real git, real steps): a job that names an
/// environment records a deployment with its commit, ref, who triggered it and its final status; the environment's
/// current deployment is the latest successful one; the history pages newest first; and only a job deploying to an
/// environment gets that environment's secrets.
/// </summary>
public sealed class EnvironmentTests : PipelineTestBase
{
    private const string Password = "a long enough password";

    private const string DeployPipeline = """
        jobs:
          build:
            steps:
              - run: echo built
          deploy:
            needs: [build]
            environment: {name: production, url: "https://shop.example.com"}
            steps:
              - run: test "${FAIL:-no}" != yes
        """;

    private static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<List<JsonElement>> EnvironmentsAsync(string slug) =>
        [.. (await Client.ListAsync($"/api/v1/projects/{slug}/environments")).GetProperty("items").EnumerateArray()];

    [Test]
    public async Task A_deploy_job_records_a_successful_deployment_with_its_commit_ref_and_who_triggered_it()
    {
        var (repository, project) = await ProjectWithAsync(DeployPipeline);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var environment = (await EnvironmentsAsync(project.Slug)).Single();
        var current = environment.GetProperty("current");
        Assert.Multiple(() =>
        {
            Assert.That(environment.GetProperty("name").GetString(), Is.EqualTo("production"));
            Assert.That(environment.GetProperty("url").GetString(), Is.EqualTo("https://shop.example.com"));
            Assert.That(current.GetProperty("status").GetString(), Is.EqualTo("success"));
            Assert.That(current.GetProperty("sha").GetString(), Is.EqualTo(repository.HeadSha));
            Assert.That(current.GetProperty("ref").GetString(), Is.EqualTo("refs/heads/main"));
            Assert.That(current.GetProperty("triggeredBy").GetString(), Is.EqualTo(OrchestratorFactory.AdminName));
            Assert.That(current.GetProperty("runId").GetGuid(), Is.EqualTo(run.Id));
            Assert.That(current.GetProperty("runNumber").GetInt64(), Is.EqualTo(run.Number));
            Assert.That(current.GetProperty("jobId").GetGuid(), Is.EqualTo(run.Job("deploy").Id));
            Assert.That(current.GetProperty("jobName").GetString(), Is.EqualTo("deploy"));
            Assert.That(current.GetProperty("startedAt").GetDateTime(), Is.GreaterThanOrEqualTo(run.Job("deploy").StartedAt!.Value.AddSeconds(-1)));
            Assert.That(current.GetProperty("finishedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
            Assert.That(environment.GetProperty("latest").GetProperty("id").GetGuid(), Is.EqualTo(current.GetProperty("id").GetGuid()));
        });
        // The build job names no environment: it deployed nothing.
        var history = await Client.ListAsync($"/api/v1/projects/{project.Slug}/environments/production/deployments");
        Assert.That(history.GetProperty("totalCount").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task A_failing_deploy_records_failed_and_the_last_successful_deployment_stays_current()
    {
        var (_, project) = await ProjectWithAsync(DeployPipeline);
        var good = await Client.TriggerAndWaitAsync(project.Slug);
        Assert.That(good.Status, Is.EqualTo("success"), good.ToString());

        var bad = await Client.TriggerAndWaitAsync(project.Slug, new Dictionary<string, string> { ["FAIL"] = "yes" });

        Assert.That(bad.Job("deploy").Status, Is.EqualTo("failed"), bad.ToString());
        var environment = (await EnvironmentsAsync(project.Slug)).Single();
        Assert.Multiple(() =>
        {
            Assert.That(environment.GetProperty("current").GetProperty("runId").GetGuid(), Is.EqualTo(good.Id));
            Assert.That(environment.GetProperty("current").GetProperty("status").GetString(), Is.EqualTo("success"));
            Assert.That(environment.GetProperty("latest").GetProperty("runId").GetGuid(), Is.EqualTo(bad.Id));
            Assert.That(environment.GetProperty("latest").GetProperty("status").GetString(), Is.EqualTo("failed"));
            Assert.That(environment.GetProperty("latest").GetProperty("finishedAt").ValueKind, Is.EqualTo(JsonValueKind.String));
        });
    }

    [Test]
    public async Task The_history_pages_newest_first_and_refuses_bad_paging_unknown_environments_and_strangers()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  ship:\n    environment: staging\n    steps:\n      - run: 'true'\n");
        var runs = new List<RunView>();
        for (var i = 0; i < 3; i++) runs.Add(await Client.TriggerAndWaitAsync(project.Slug));
        var path = $"/api/v1/projects/{project.Slug}/environments/staging/deployments";

        var first = await Client.ListAsync(path + "?page=1&pageSize=2");
        var second = await Client.ListAsync(path + "?page=2&pageSize=2");

        Assert.Multiple(() =>
        {
            Assert.That(first.GetProperty("totalCount").GetInt32(), Is.EqualTo(3));
            Assert.That(first.GetProperty("totalPages").GetInt32(), Is.EqualTo(2));
            Assert.That(first.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("runNumber").GetInt64()),
                Is.EqualTo(new[] { runs[2].Number, runs[1].Number }));
            Assert.That(second.GetProperty("items").EnumerateArray().Select(d => d.GetProperty("runNumber").GetInt64()),
                Is.EqualTo(new[] { runs[0].Number }));
            Assert.That(first.GetProperty("items")[0].GetProperty("url").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });

        using var badSize = await Client.GetAsync(path + "?pageSize=0");
        var sizeProblem = await badSize.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(sizeProblem.GetRawText(), Does.Contain("pageSize must be between 1 and 100"));
        using var unknown = await Client.GetAsync($"/api/v1/projects/{project.Slug}/environments/production/deployments");
        var unknownProblem = await unknown.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.That(unknownProblem.StringOrNull("detail"), Does.Contain("production"));

        var strangerName = "u" + Guid.NewGuid().ToString("N")[..10];
        using (var created = await Client.PostAsJsonAsync("/api/v1/admin/users", new { username = strangerName, password = Password }))
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        using var stranger = OrchestratorFactory.SignIn(Factory.CreateClient(), strangerName, Password);
        using var strangerList = await stranger.GetAsync($"/api/v1/projects/{project.Slug}/environments");
        using var strangerHistory = await stranger.GetAsync(path);
        await strangerList.ReadProblemAsync(HttpStatusCode.NotFound);
        await strangerHistory.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_job_gets_its_environments_secret_and_not_another_environments_or_one_meant_for_an_environment()
    {
        var production = Unique("prod");
        var staging = Unique("staging");
        var project = Unique("project");
        var (_, created) = await ProjectWithAsync("""
            jobs:
              prod:
                environment: production
                secrets: [DEPLOY_TOKEN]
                steps:
                  - run: printf '%s' "$DEPLOY_TOKEN" | sha256sum | cut -c1-64
              stage:
                environment: staging
                secrets: [DEPLOY_TOKEN]
                steps:
                  - run: printf '%s' "$DEPLOY_TOKEN" | sha256sum | cut -c1-64
              plain:
                secrets: [DEPLOY_TOKEN]
                steps:
                  - run: printf '%s' "$DEPLOY_TOKEN" | sha256sum | cut -c1-64
              sneaky:
                environment: staging
                secrets: [PROD_ONLY]
                steps:
                  - run: echo "got=$PROD_ONLY"
            """);
        await SetSecretAsync(created.Slug, "DEPLOY_TOKEN", production, "production");
        await SetSecretAsync(created.Slug, "DEPLOY_TOKEN", staging, "staging");
        await SetSecretAsync(created.Slug, "DEPLOY_TOKEN", project, null);
        await SetSecretAsync(created.Slug, "PROD_ONLY", Unique("only"), "production");

        var run = await Client.TriggerAndWaitAsync(created.Slug);

        Assert.Multiple(async () =>
        {
            Assert.That(run.Job("prod").Status, Is.EqualTo("success"), run.ToString());
            Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("prod"))), Is.EqualTo(new[] { Sha256(production) }));
            Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("stage"))), Is.EqualTo(new[] { Sha256(staging) }));
            Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("plain"))), Is.EqualTo(new[] { Sha256(project) }));
            var sneaky = run.Job("sneaky");
            Assert.That(sneaky.Status, Is.EqualTo("failed"));
            Assert.That(sneaky.Note, Does.Contain("'PROD_ONLY' belongs to environment 'production'").And.Contain("deploys to 'staging'"));
            Assert.That(sneaky.Steps.Single().Status, Is.EqualTo("skipped"), "no step started");
        });
        // The refused job still shows as a failed deployment to the environment it named.
        var stagingHistory = await Client.ListAsync($"/api/v1/projects/{created.Slug}/environments/staging/deployments");
        Assert.That(stagingHistory.GetProperty("items").EnumerateArray().Select(d => (d.GetProperty("jobName").GetString(), d.GetProperty("status").GetString())),
            Is.EquivalentTo(new[] { ("stage", "success"), ("sneaky", "failed") }));
    }

    private async Task SetSecretAsync(string slug, string name, string value, string? environment)
    {
        using var response = await Client.PutAsJsonAsync($"/api/v1/projects/{slug}/secrets/{name}", new { value, environment });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }
}
