using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Secrets;

/// <summary>
/// Secrets in real jobs (the sandbox backend, real git, real steps), seen as an attacker would try them: a job gets
/// exactly the secrets it names, as variables or 0600 files outside the workspace; a job of another project, a job
/// that names none and a pull request from a fork get nothing; a refused job fails before any step with the name and
/// the reason; and no form of a value a step prints reaches the stored log, the live stream, the run or the audit log.
/// </summary>
public sealed class SecretJobTests : PipelineTestBase
{
    private async Task SetSecretAsync(string slug, string name, string value, bool file = false, bool allowForks = false)
    {
        using var response = await Client.PutAsJsonAsync($"/api/v1/projects/{slug}/secrets/{name}", new { value, file, allowForks });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    private static string Sha256(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    [Test]
    public async Task A_job_gets_the_secrets_it_names_as_a_variable_and_as_a_0600_file_outside_the_workspace()
    {
        var token = Unique("token");
        var key = "-----BEGIN KEY-----\n" + Unique("key-body") + "\n-----END KEY-----\n";
        var (_, project) = await ProjectWithAsync("""
            jobs:
              deploy:
                secrets: [DEPLOY_TOKEN, SSH_KEY]
                steps:
                  - run: |
                      printf '%s' "$DEPLOY_TOKEN" | sha256sum | cut -c1-64
                      echo "path=$SSH_KEY"
                      stat -c 'mode=%a' "$SSH_KEY"
                      sha256sum < "$SSH_KEY" | cut -c1-64
                      case "$SSH_KEY" in "$COMET_WORKSPACE"*) echo inside-workspace;; *) echo outside-workspace;; esac
              renamed:
                secrets: { TOKEN: DEPLOY_TOKEN }
                steps:
                  - run: printf '%s' "$TOKEN" | sha256sum | cut -c1-64
            """);
        await SetSecretAsync(project.Slug, "DEPLOY_TOKEN", token);
        await SetSecretAsync(project.Slug, "SSH_KEY", key, file: true);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var lines = PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("deploy")));
        Assert.That(lines, Is.EqualTo(new[]
        {
            Sha256(token), "path=/home/comet/.comet-secrets/SSH_KEY", "mode=600", Sha256(key), "outside-workspace",
        }));
        Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("renamed"))), Is.EqualTo(new[] { Sha256(token) }));
    }

    [Test]
    public async Task A_job_that_names_no_secret_does_not_see_it_in_its_environment()
    {
        var value = Unique("hidden");
        var (_, project) = await ProjectWithAsync("""
            jobs:
              named:
                secrets: [HIDDEN]
                steps:
                  - run: 'true'
              curious:
                steps:
                  - run: |
                      env
                      cat /proc/self/environ | tr '\0' '\n'
                      ls -la "$HOME"
                      echo "HIDDEN=${HIDDEN:-unset}"
            """);
        await SetSecretAsync(project.Slug, "HIDDEN", value);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var log = await Client.ReadLogAsync(run, run.Job("curious"));
        Assert.That(log, Does.Not.Contain(value), "an unmasked log: the job did not have the value to print");
        Assert.That(PipelineApi.LogLines(log), Does.Contain("HIDDEN=unset"));
    }

    [Test]
    public async Task A_job_of_another_project_naming_a_secret_fails_before_any_step_with_its_name_and_the_reason()
    {
        var (_, owner) = await ProjectWithAsync("jobs:\n  a:\n    steps:\n      - run: 'true'\n");
        await SetSecretAsync(owner.Slug, "OTHERS_TOKEN", Unique("others"));
        var (_, thief) = await ProjectWithAsync("""
            jobs:
              steal:
                secrets: [OTHERS_TOKEN]
                steps:
                  - run: echo "got=$OTHERS_TOKEN" > /tmp/never
            """);

        var run = await Client.TriggerAndWaitAsync(thief.Slug);

        var steal = run.Job("steal");
        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo("failed"), run.ToString());
            Assert.That(steal.Status, Is.EqualTo("failed"));
            Assert.That(steal.Note, Does.Contain("'OTHERS_TOKEN' does not exist in this project"));
            Assert.That(steal.Steps.Single().Status, Is.EqualTo("skipped"), "no step started");
            Assert.That(steal.StartedAt, Is.Not.Null);
        });
    }

    [Test]
    public async Task A_narrower_scope_wins_a_name_clash_and_the_instance_secret_reaches_every_project()
    {
        var name = "SHARED_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var instanceValue = Unique("instance");
        var projectValue = Unique("project");
        using (var put = await Client.PutAsJsonAsync($"/api/v1/admin/secrets/{name}", new { value = instanceValue }))
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var pipeline = $"jobs:\n  show:\n    secrets: [{name}]\n    steps:\n      - run: printf '%s' \"${name}\" | sha256sum | cut -c1-64\n";
        var (_, own) = await ProjectWithAsync(pipeline);
        var (_, plain) = await ProjectWithAsync(pipeline);
        await SetSecretAsync(own.Slug, name, projectValue);

        var ownRun = await Client.TriggerAndWaitAsync(own.Slug);
        var plainRun = await Client.TriggerAndWaitAsync(plain.Slug);

        Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(ownRun, ownRun.Job("show"))), Is.EqualTo(new[] { Sha256(projectValue) }), ownRun.ToString());
        Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(plainRun, plainRun.Job("show"))), Is.EqualTo(new[] { Sha256(instanceValue) }), plainRun.ToString());
    }

    [Test]
    public async Task An_environment_secret_is_refused_to_a_job_that_deploys_to_no_environment_saying_which_environment_it_belongs_to()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  build:\n    secrets: [PROD_ONLY]\n    steps:\n      - run: 'true'\n");
        using (var put = await Client.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/secrets/PROD_ONLY", new { value = Unique("prod"), environment = "production" }))
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Job("build").Status, Is.EqualTo("failed"), run.ToString());
        Assert.That(run.Job("build").Note, Does.Contain("'PROD_ONLY' belongs to environment 'production'"));
    }

    [Test]
    public async Task A_pull_request_from_a_fork_is_refused_secrets_clearly_unless_the_secret_allows_forks()
    {
        var (repository, project) = await ProjectWithAsync("""
            jobs:
              needs-secret:
                secrets: [DEPLOY_TOKEN]
                steps:
                  - run: echo "would use $DEPLOY_TOKEN"
              allowed:
                secrets: [PUBLIC_READ_TOKEN]
                steps:
                  - run: printf '%s' "$PUBLIC_READ_TOKEN" | sha256sum | cut -c1-64
            """, forge: "github");
        var readToken = Unique("read");
        await SetSecretAsync(project.Slug, "DEPLOY_TOKEN", Unique("deploy"));
        await SetSecretAsync(project.Slug, "PUBLIC_READ_TOKEN", readToken, allowForks: true);
        var baseSha = repository.HeadSha;
        repository.Git("checkout", "--quiet", "-b", "contribution");
        var headSha = repository.Commit(new Dictionary<string, string> { ["feature.txt"] = "from a stranger\n" }, "Add a feature");
        repository.Git("update-ref", "refs/pull/7/head", headSha);
        repository.Git("checkout", "--quiet", "main");
        var payload = ForgePayloads.GithubPullRequestFromFork(repository, 7, headSha, "contribution", baseSha);

        using var response = await Client.SendAsync(ForgePayloads.Github("/hooks/github", "pull_request", payload, project.WebhookSecret));
        var body = await response.ReadJsonAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), body.ToString());
        var run = await Client.WaitForEndAsync(body.GetProperty("runId").GetGuid());

        var refused = run.Job("needs-secret");
        Assert.Multiple(async () =>
        {
            Assert.That(refused.Status, Is.EqualTo("failed"), run.ToString());
            Assert.That(refused.Note, Does.Contain("'DEPLOY_TOKEN' is not given to pull requests from forks"));
            Assert.That(refused.Steps.Single().Status, Is.EqualTo("skipped"));
            Assert.That(run.Job("allowed").Status, Is.EqualTo("success"), run.ToString());
            Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("allowed"))), Is.EqualTo(new[] { Sha256(readToken) }));
        });
    }

    [Test]
    public async Task Each_use_is_audited_with_run_job_and_name_and_the_value_is_in_no_audit_row_or_run_answer()
    {
        var value = Unique("audited");
        var (_, project) = await ProjectWithAsync("jobs:\n  use:\n    secrets: [AUDITED_USE]\n    steps:\n      - run: echo \"$AUDITED_USE\"\n");
        await SetSecretAsync(project.Slug, "AUDITED_USE", value);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        using var audit = await Client.GetAsync("/api/v1/admin/audit?action=secret_used&pageSize=100");
        var auditText = await audit.Content.ReadAsStringAsync();
        var use = JsonDocument.Parse(auditText).RootElement.GetProperty("items").EnumerateArray()
            .Single(e => e.StringOrNull("detail")?.Contains(run.Id.ToString()) == true);
        using var runAnswer = await Client.GetAsync($"/api/v1/runs/{run.Id}");
        Assert.Multiple(async () =>
        {
            Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
            Assert.That(use.StringOrNull("target"), Is.EqualTo($"project:{project.Slug}"));
            Assert.That(use.StringOrNull("detail"), Does.Contain("AUDITED_USE").And.Contain($"run #{run.Number}").And.Contain($"job use ({run.Job("use").Id})"));
            Assert.That(auditText, Does.Not.Contain(value));
            Assert.That(await runAnswer.Content.ReadAsStringAsync(), Does.Not.Contain(value));
            Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("use"))), Is.EqualTo(new[] { "***" }));
            Assert.That(SecretTestSupport.DatabaseFilesText(Factory.DataDir), Does.Not.Contain(value), "no row holds the value in the clear");
        });
    }
}
