using System.Net;
using System.Text;
using System.Text.Json;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Pipelines;

/// <summary>Signed forge deliveries to /hooks/…: which start runs, which do not and why, and how each is recorded.</summary>
public sealed class WebhookTests : PipelineTestBase
{
    private const int MaxBodyBytes = 64 * 1024;

    private const string EchoPipeline = """
        jobs:
          show:
            steps:
              - run: echo "event=$COMET_EVENT branch=$COMET_BRANCH tag=$COMET_TAG sha=$COMET_COMMIT_SHA"
        """;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings =>
        new Dictionary<string, string?> { ["Webhooks:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private async Task<(HttpStatusCode Status, JsonElement Body, string Text)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await Client.SendAsync(request))
        {
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, await response.ReadJsonAsync(), text);
        }
    }

    private async Task<RunView> AcceptedRunAsync(HttpRequestMessage request)
    {
        var (status, body, text) = await SendAsync(request);
        Assert.That(status, Is.EqualTo(HttpStatusCode.Accepted), text);
        Assert.That(body.StringOrNull("outcome"), Is.EqualTo("run_created"), text);
        return await Client.GetRunAsync(body.GetProperty("runId").GetGuid());
    }

    private async Task AssertNoRunAsync(string slug) =>
        Assert.That(await Client.ListRunsAsync(slug), Is.Empty, "no run may be created");

    [Test]
    public async Task A_signed_github_push_creates_a_run_of_the_pushed_commit_that_runs_to_success()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var payload = ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha);

        var created = await AcceptedRunAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret));

        Assert.Multiple(() =>
        {
            Assert.That(created.Event, Is.EqualTo("push"));
            Assert.That(created.Ref, Is.EqualTo("refs/heads/main"));
            Assert.That(created.Branch, Is.EqualTo("main"));
            Assert.That(created.CommitSha, Is.EqualTo(repository.HeadSha));
            Assert.That(created.CommitMessage, Is.EqualTo("Make the widgets spin 🚀"));
            Assert.That(created.Jobs.Select(j => j.Name), Is.EqualTo(new[] { "show" }), "the jobs are stored with the run, before the answer");
        });
        var run = await Client.WaitForEndAsync(created.Id);
        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("show"))),
            Does.Contain($"event=push branch=main tag= sha={repository.HeadSha}"));
    }

    [Test]
    public async Task Pushes_that_arrive_together_each_get_a_run_with_its_own_number()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var branches = new[] { "main", "feature-a", "feature-b", "feature-c" };
        foreach (var branch in branches.Skip(1)) repository.Git("branch", branch);

        // git push --all: one delivery per branch, sent by the forge at the same moment.
        var answers = await Task.WhenAll(branches.Select(branch => SendAsync(ForgePayloads.Github("/hooks/github", "push",
            ForgePayloads.GithubPush(repository, "refs/heads/" + branch, repository.HeadSha), project.WebhookSecret))));

        Assert.That(answers.Select(a => (a.Status, a.Body.StringOrNull("outcome"))),
            Is.All.EqualTo((HttpStatusCode.Accepted, "run_created")), string.Join("\n", answers.Select(a => a.Text)));
        var runs = await Client.ListRunsAsync(project.Slug);
        Assert.That(runs.Select(r => r.GetProperty("number").GetInt64()), Is.EquivalentTo(new long[] { 1, 2, 3, 4 }));
        foreach (var (_, body, text) in answers)
        {
            var run = await Client.WaitForEndAsync(body.GetProperty("runId").GetGuid());
            Assert.That(body.GetProperty("runNumber").GetInt64(), Is.EqualTo(run.Number), $"the answer names another run's number: {text}");
            Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        }
    }

    [Test]
    public async Task A_redelivered_push_gets_the_first_answer_and_creates_no_second_run()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var payload = ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha);
        var deliveryId = Guid.NewGuid().ToString();

        var first = await SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret, deliveryId));
        var again = await SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret, deliveryId));

        Assert.That(first.Status, Is.EqualTo(HttpStatusCode.Accepted), first.Text);
        Assert.That(again.Status, Is.EqualTo(HttpStatusCode.Accepted), again.Text);
        Assert.That(again.Text, Is.EqualTo(first.Text));
        var runs = await Client.ListRunsAsync(project.Slug);
        Assert.That(runs.Select(r => r.GetProperty("id").GetGuid()), Is.EqualTo(new[] { first.Body.GetProperty("runId").GetGuid() }));
        Assert.That(await Client.ListDeliveriesAsync(project.Slug), Has.Count.EqualTo(1), "a redelivery is not a second delivery");
        await Client.WaitForEndAsync(first.Body.GetProperty("runId").GetGuid());
    }

    [Test]
    public async Task A_push_with_a_wrong_signature_is_refused_with_401_and_starts_nothing()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var payload = ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha);
        var forged = "sha256=" + ForgePayloads.HmacSha256Hex("not the secret", Encoding.UTF8.GetBytes(payload.ToJsonString()));

        using var response = await Client.SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret, signature: forged));

        var problem = await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("X-Hub-Signature-256").And.Contain("does not match"));
        await AssertNoRunAsync(project.Slug);
    }

    [Test]
    public async Task After_the_webhook_secret_is_replaced_pushes_signed_with_the_old_one_are_refused_and_the_new_one_works()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        using var replaced = await Client.PostAsync($"/api/v1/projects/{project.Slug}/webhook-secret", null);
        Assert.That(replaced.StatusCode, Is.EqualTo(HttpStatusCode.OK), await replaced.Content.ReadAsStringAsync());
        var secret = JsonDocument.Parse(await replaced.Content.ReadAsStringAsync()).RootElement.GetProperty("webhookSecret").GetString()!;
        Assert.That(secret, Is.Not.EqualTo(project.WebhookSecret));

        var payload = ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha);
        using (var old = await Client.SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret)))
            await old.ReadProblemAsync(HttpStatusCode.Unauthorized);
        await AssertNoRunAsync(project.Slug);

        var created = await AcceptedRunAsync(ForgePayloads.Github("/hooks/github", "push", payload, secret));
        Assert.That((await Client.WaitForEndAsync(created.Id)).Status, Is.EqualTo("success"));
        var audit = await Client.GetStringAsync("/api/v1/admin/audit?action=webhook_secret_replaced");
        Assert.That(audit, Does.Contain($"project:{project.Slug}"), "the replacement is audited");
    }

    [Test]
    public async Task A_push_signed_over_a_different_body_is_refused()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var signed = ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha);
        var sent = ForgePayloads.GithubPush(repository, "refs/heads/release", repository.HeadSha);
        var signature = "sha256=" + ForgePayloads.HmacSha256Hex(project.WebhookSecret, Encoding.UTF8.GetBytes(signed.ToJsonString()));

        using var response = await Client.SendAsync(ForgePayloads.Github("/hooks/github", "push", sent, project.WebhookSecret, signature: signature));

        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        await AssertNoRunAsync(project.Slug);
    }

    [Test]
    public async Task A_push_without_a_signature_is_refused_with_401()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var payload = ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha);

        using var response = await Client.SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, secret: null));

        var problem = await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("X-Hub-Signature-256").And.Contain("missing"));
        await AssertNoRunAsync(project.Slug);
    }

    [Test]
    public async Task A_push_that_deletes_a_branch_starts_no_run()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var payload = ForgePayloads.GithubPush(repository, "refs/heads/feature", ForgePayloads.ZeroSha, before: repository.HeadSha);

        var (status, body, text) = await SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret));

        Assert.That(status, Is.EqualTo(HttpStatusCode.Accepted), text);
        Assert.That(body.StringOrNull("detail"), Does.Contain("feature").And.Contain("deleted"));
        await AssertNoRunAsync(project.Slug);
    }

    [Test]
    public async Task A_push_whose_head_commit_says_skip_ci_starts_no_run()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var sha = repository.Commit(new Dictionary<string, string> { ["docs.md"] = "typo fixed\n" }, "Fix a typo in the docs [skip ci]");
        var payload = ForgePayloads.GithubPush(repository, "refs/heads/main", sha, message: "Fix a typo in the docs [skip ci]");

        var (status, body, text) = await SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret));

        Assert.That(status, Is.EqualTo(HttpStatusCode.Accepted), text);
        Assert.That(body.StringOrNull("outcome"), Is.EqualTo("skipped"), text);
        Assert.That(body.StringOrNull("detail"), Does.Contain("skip ci"));
        await AssertNoRunAsync(project.Slug);
    }

    [Test]
    public async Task A_github_ping_is_answered_200_and_starts_no_run()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");

        var (status, body, text) = await SendAsync(ForgePayloads.Github("/hooks/github", "ping", ForgePayloads.GithubPing(repository), project.WebhookSecret));

        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(body.StringOrNull("outcome"), Is.EqualTo("ping"), text);
        await AssertNoRunAsync(project.Slug);
    }

    [Test]
    public async Task A_tag_push_runs_the_tagged_commit_as_a_tag_event()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var commit = repository.HeadSha;
        // An annotated tag, as releases are made: "after" names the tag object, head_commit the commit.
        repository.Git("-c", "user.name=t", "-c", "user.email=t@t", "tag", "-a", "v1.0", "-m", "Release 1.0");
        var tagObject = repository.Git("rev-parse", "refs/tags/v1.0");
        Assert.That(tagObject, Is.Not.EqualTo(commit));
        var payload = ForgePayloads.GithubPush(repository, "refs/tags/v1.0", tagObject, message: "First commit", before: ForgePayloads.ZeroSha, headSha: commit);

        var created = await AcceptedRunAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret));

        Assert.Multiple(() =>
        {
            Assert.That(created.Event, Is.EqualTo("tag"));
            Assert.That(created.Tag, Is.EqualTo("v1.0"));
            Assert.That(created.Branch, Is.Null);
            Assert.That(created.CommitSha, Is.EqualTo(commit));
        });
        var run = await Client.WaitForEndAsync(created.Id);
        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("show"))), Does.Contain($"event=tag branch= tag=v1.0 sha={commit}"));
    }

    [Test]
    public async Task A_pull_request_from_a_fork_runs_its_head_commit_fetched_from_the_pull_ref()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var baseSha = repository.HeadSha;
        // The fork's commit exists in the base repository only under refs/pull/5/head, as GitHub keeps it.
        repository.Git("checkout", "--quiet", "-b", "contribution");
        var headSha = repository.Commit(new Dictionary<string, string> { ["feature.txt"] = "from a stranger\n" }, "Add a feature");
        repository.Git("update-ref", "refs/pull/5/head", headSha);
        repository.Git("checkout", "--quiet", "main");
        repository.Git("branch", "--quiet", "-D", "contribution");
        var payload = ForgePayloads.GithubPullRequestFromFork(repository, 5, headSha, "contribution", baseSha);

        var created = await AcceptedRunAsync(ForgePayloads.Github("/hooks/github", "pull_request", payload, project.WebhookSecret));

        Assert.Multiple(() =>
        {
            Assert.That(created.Event, Is.EqualTo("pull_request"));
            Assert.That(created.CommitSha, Is.EqualTo(headSha));
            Assert.That(created.Ref, Is.EqualTo("refs/pull/5/head"));
        });
        var run = await Client.WaitForEndAsync(created.Id);
        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("show"))).Single(), Does.StartWith("event=pull_request ").And.EndWith($"sha={headSha}"));
    }

    [Test]
    public async Task A_pull_request_that_was_closed_starts_no_run()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        repository.Git("update-ref", "refs/pull/6/head", repository.HeadSha);
        var payload = ForgePayloads.GithubPullRequestFromFork(repository, 6, repository.HeadSha, "contribution", repository.HeadSha, action: "closed");

        var (status, body, text) = await SendAsync(ForgePayloads.Github("/hooks/github", "pull_request", payload, project.WebhookSecret));

        Assert.That(status, Is.EqualTo(HttpStatusCode.Accepted), text);
        Assert.That(body.StringOrNull("detail"), Does.Contain("closed"));
        await AssertNoRunAsync(project.Slug);
    }

    [Test]
    public async Task Malformed_json_signed_for_the_project_address_is_a_400_problem_that_says_so()
    {
        // Through /hooks/github the project could not be found in a body that does not parse (that is a 401);
        // the project's own address finds it, so the signature is checked and the fault can be told.
        var (_, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var body = Encoding.UTF8.GetBytes("{\"ref\": \"refs/heads/main\", \"after\": ");

        using var response = await Client.SendAsync(ForgePayloads.Github($"/hooks/github/{project.Slug}", "push", body, project.WebhookSecret));

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("not valid JSON"));
        await AssertNoRunAsync(project.Slug);
    }

    [Test]
    public async Task A_push_whose_ref_holds_dot_dot_is_a_400_problem_that_says_so_and_starts_no_run()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var payload = ForgePayloads.GithubPush(repository, "refs/heads/main/../../config", repository.HeadSha);

        using var response = await Client.SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret));

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.StringOrNull("detail"), Is.EqualTo(
            "GitHub push payload has 'ref' = 'refs/heads/main/../../config', which is not a valid git ref name: it contains '..'."));
        await AssertNoRunAsync(project.Slug);
    }

    [Test]
    public async Task A_push_of_ten_thousand_jobs_is_answered_with_a_run_in_error_that_has_no_jobs()
    {
        var (repository, project) = await ProjectWithAsync(HostilePipelines.TenThousandJobs(), forge: "github");
        var payload = ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha);

        var created = await AcceptedRunAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret));

        Assert.That(created.Status, Is.EqualTo("error"));
        Assert.That(created.Jobs, Is.Empty);
        Assert.That(created.Error, Is.EqualTo(".comet.yml has errors:\nline 1, column 1: 'jobs' has more than 500 jobs; "
            + "a run may have at most 500 (each leg of a matrix counts as a job), set by Pipelines:MaxJobsPerRun"));
    }

    [Test]
    public async Task An_event_that_starts_no_runs_is_accepted_with_the_reason()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");

        var (status, body, text) = await SendAsync(ForgePayloads.Github("/hooks/github", "issues", ForgePayloads.GithubIssueOpened(repository), project.WebhookSecret));

        Assert.That(status, Is.EqualTo(HttpStatusCode.Accepted), text);
        Assert.That(body.StringOrNull("outcome"), Is.EqualTo("ignored"), text);
        Assert.That(body.StringOrNull("detail"), Does.Contain("issues"));
        await AssertNoRunAsync(project.Slug);
    }

    [Test]
    public async Task A_github_push_sent_form_encoded_is_read_like_json()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var json = ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha).ToJsonString();
        var body = Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(json));
        var request = ForgePayloads.Github("/hooks/github", "push", body, project.WebhookSecret);
        request.Content!.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-www-form-urlencoded");

        var created = await AcceptedRunAsync(request);

        Assert.That(created.CommitSha, Is.EqualTo(repository.HeadSha));
        await Client.WaitForEndAsync(created.Id);
    }

    [Test]
    public async Task A_webhook_for_a_forge_comet_does_not_know_is_a_404()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");

        using var response = await Client.SendAsync(ForgePayloads.Github("/hooks/bitbucket", "push",
            ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha), project.WebhookSecret));

        var problem = await response.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("bitbucket"));
        await AssertNoRunAsync(project.Slug);
    }

    [Test]
    public async Task A_push_for_a_repository_no_project_has_reads_like_a_wrong_signature()
    {
        // Answering 404 here would tell a stranger which repositories are registered, one guess at a time.
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        using var stranger = TestRepository.Create(EchoPipeline);

        using var unknown = await Client.SendAsync(ForgePayloads.Github("/hooks/github", "push",
            ForgePayloads.GithubPush(stranger, "refs/heads/main", stranger.HeadSha), "whatever"));
        using var wrong = await Client.SendAsync(ForgePayloads.Github("/hooks/github", "push",
            ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha), "whatever"));

        var unknownProblem = await unknown.ReadProblemAsync(HttpStatusCode.Unauthorized);
        var wrongProblem = await wrong.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.That(unknownProblem.StringOrNull("detail"), Is.EqualTo(wrongProblem.StringOrNull("detail")).And.Contain("does not match"));
        await AssertNoRunAsync(project.Slug);
    }

    [Test]
    public async Task A_gitlab_push_with_the_secret_token_creates_a_run()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "gitlab");

        var created = await AcceptedRunAsync(ForgePayloads.Gitlab("/hooks/gitlab",
            ForgePayloads.GitlabPush(repository, "refs/heads/main", repository.HeadSha), project.WebhookSecret));

        Assert.Multiple(() =>
        {
            Assert.That(created.Event, Is.EqualTo("push"));
            Assert.That(created.Branch, Is.EqualTo("main"));
            Assert.That(created.CommitSha, Is.EqualTo(repository.HeadSha));
        });
        Assert.That((await Client.WaitForEndAsync(created.Id)).Status, Is.EqualTo("success"));
    }

    [Test]
    public async Task A_gitlab_push_with_a_wrong_token_is_refused()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "gitlab");

        using var response = await Client.SendAsync(ForgePayloads.Gitlab("/hooks/gitlab",
            ForgePayloads.GitlabPush(repository, "refs/heads/main", repository.HeadSha), project.WebhookSecret[..^1]));

        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
        await AssertNoRunAsync(project.Slug);
    }

    [Test]
    public async Task A_gitea_push_with_an_hmac_signature_to_the_project_address_creates_a_run()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "gitea");

        var created = await AcceptedRunAsync(ForgePayloads.Gitea($"/hooks/gitea/{project.Slug}",
            ForgePayloads.GiteaPush(repository, "refs/heads/main", repository.HeadSha), project.WebhookSecret));

        Assert.Multiple(() =>
        {
            Assert.That(created.Event, Is.EqualTo("push"));
            Assert.That(created.Branch, Is.EqualTo("main"));
            Assert.That(created.CommitSha, Is.EqualTo(repository.HeadSha));
        });
        Assert.That((await Client.WaitForEndAsync(created.Id)).Status, Is.EqualTo("success"));
    }

    [Test]
    public async Task A_push_to_a_branch_the_pipeline_does_not_run_for_is_accepted_without_a_run_and_says_why()
    {
        var (repository, project) = await ProjectWithAsync("""
            when:
              branch: main
            jobs:
              only-main:
                steps:
                  - run: echo main
            """, forge: "github");
        repository.Git("checkout", "--quiet", "-b", "feature");
        var sha = repository.Commit(new Dictionary<string, string> { ["feature.txt"] = "wip\n" }, "Work in progress");
        var payload = ForgePayloads.GithubPush(repository, "refs/heads/feature", sha, message: "Work in progress");

        var (status, body, text) = await SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret));

        Assert.That(status, Is.EqualTo(HttpStatusCode.Accepted), text);
        Assert.That(body.StringOrNull("outcome"), Is.EqualTo("ignored"), text);
        Assert.That(body.StringOrNull("detail"), Does.Contain("when"));
        await AssertNoRunAsync(project.Slug);
        var delivery = (await Client.ListDeliveriesAsync(project.Slug)).Single();
        Assert.That(delivery.StringOrNull("detail"), Does.Contain("when"));
    }

    [Test]
    public async Task Every_accepted_delivery_is_listed_with_its_outcome_and_a_refused_one_only_counted()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var push = ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha);
        var sent = new (string Event, System.Text.Json.Nodes.JsonNode Payload, string? Signature, string ExpectedOutcome, int ExpectedStatus)[]
        {
            ("ping", ForgePayloads.GithubPing(repository), null, "ping", 200),
            ("push", push, null, "run_created", 202),
            ("push", ForgePayloads.GithubPush(repository, "refs/heads/old", ForgePayloads.ZeroSha), null, "ignored", 202),
            ("push", ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha, message: "wip [ci skip]"), null, "skipped", 202),
            ("issues", ForgePayloads.GithubIssueOpened(repository), null, "ignored", 202),
        };
        var deliveryIds = new List<string>();
        using (var refused = await Client.SendAsync(ForgePayloads.Github("/hooks/github", "push", push, project.WebhookSecret,
            Guid.NewGuid().ToString(), "sha256=" + new string('0', 64))))
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        foreach (var (eventName, payload, signature, _, expectedStatus) in sent)
        {
            var deliveryId = Guid.NewGuid().ToString();
            deliveryIds.Add(deliveryId);
            using var response = await Client.SendAsync(ForgePayloads.Github("/hooks/github", eventName, payload, project.WebhookSecret, deliveryId, signature));
            Assert.That((int)response.StatusCode, Is.EqualTo(expectedStatus), await response.Content.ReadAsStringAsync());
        }

        var listed = await Client.ListDeliveriesAsync(project.Slug);

        var byId = listed.ToDictionary(d => d.StringOrNull("deliveryId")!);
        Assert.That(byId.Keys, Is.EquivalentTo(deliveryIds));
        var runId = (await Client.ListRunsAsync(project.Slug)).Single().GetProperty("id").GetGuid();
        for (var i = 0; i < sent.Length; i++)
        {
            var delivery = byId[deliveryIds[i]];
            Assert.Multiple(() =>
            {
                Assert.That(delivery.StringOrNull("outcome"), Is.EqualTo(sent[i].ExpectedOutcome), delivery.ToString());
                Assert.That(delivery.GetProperty("statusCode").GetInt32(), Is.EqualTo(sent[i].ExpectedStatus), delivery.ToString());
                Assert.That(delivery.StringOrNull("event"), Is.EqualTo(sent[i].Event));
                Assert.That(delivery.StringOrNull("forge"), Is.EqualTo("github"));
                Assert.That(delivery.StringOrNull("detail"), Is.Not.Null.And.Not.Empty, delivery.ToString());
            });
        }
        Assert.That(byId[deliveryIds[1]].GetProperty("runId").GetGuid(), Is.EqualTo(runId));
        Assert.That(listed.Select(d => d.StringOrNull("deliveryId")), Is.EqualTo(Enumerable.Reverse(deliveryIds)), "newest first");
        using var shown = await Client.GetAsync($"/api/v1/projects/{project.Slug}");
        Assert.That((await shown.ReadJsonAsync()).GetProperty("rejectedDeliveries").GetInt64(), Is.EqualTo(1));
        await Client.WaitForEndAsync(runId);
    }

    [Test]
    public async Task A_body_over_the_limit_is_refused_with_413()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var payload = ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha, message: new string('x', MaxBodyBytes));

        using var response = await Client.SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret));

        var problem = await response.ReadProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("limit"));
        await AssertNoRunAsync(project.Slug);
    }
}
