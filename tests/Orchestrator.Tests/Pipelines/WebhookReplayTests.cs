using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.Json;
using Comet.Application.Common.Interfaces;
using Comet.Application.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests.Pipelines;

/// <summary>
/// What an unverified delivery can learn and leave behind (nothing but a count), and what a replayed push can start
/// (nothing new: it gets the run the first copy made).
/// </summary>
public sealed class WebhookReplayTests : PipelineTestBase
{
    private const string EchoPipeline = """
        jobs:
          show:
            steps:
              - run: echo "sha=$COMET_COMMIT_SHA"
        """;

    private async Task<(HttpStatusCode Status, JsonElement Body, string Text)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await Client.SendAsync(request))
        {
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, await response.ReadJsonAsync(), text);
        }
    }

    private static HttpRequestMessage WithoutDeliveryId(HttpRequestMessage request)
    {
        request.Headers.Remove("X-GitHub-Delivery");
        return request;
    }

    private async Task<JsonElement> GetProjectAsync(string slug)
    {
        using var response = await Client.GetAsync($"/api/v1/projects/{slug}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    private async Task<int> DeliveryRowsAsync(string slug)
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
        var projectId = await db.Projects.Where(p => p.Slug == slug).Select(p => p.Id).SingleAsync();
        return await db.Deliveries.CountAsync(d => d.ProjectId == projectId);
    }

    /// <summary>What a refused delivery is answered: status, title and detail (the problem's traceId differs per request).</summary>
    private async Task<(HttpStatusCode Status, string? Title, string? Detail)> RefusalAsync(HttpRequestMessage request)
    {
        var (status, body, _) = await SendAsync(request);
        return (status, body.StringOrNull("title"), body.StringOrNull("detail"));
    }

    [Test]
    public async Task An_unsigned_delivery_gets_the_same_401_whether_its_body_is_empty_garbage_a_real_push_or_for_no_known_repository()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        using var stranger = TestRepository.Create(EchoPipeline);
        var bodies = new Dictionary<string, byte[]>
        {
            ["{}"] = "{}"u8.ToArray(),
            ["garbage"] = [0xff, 0x00, (byte)'{', (byte)'"'],
            ["a push without a ref"] = Encoding.UTF8.GetBytes(new System.Text.Json.Nodes.JsonObject
            {
                ["after"] = repository.HeadSha,
                ["repository"] = new System.Text.Json.Nodes.JsonObject { ["clone_url"] = repository.Url },
            }.ToJsonString()),
            ["a valid push"] = Encoding.UTF8.GetBytes(ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha).ToJsonString()),
            ["a push for an unknown repository"] = Encoding.UTF8.GetBytes(ForgePayloads.GithubPush(stranger, "refs/heads/main", stranger.HeadSha).ToJsonString()),
        };

        foreach (var (what, body) in bodies)
        {
            Assert.That(await RefusalAsync(ForgePayloads.Github("/hooks/github", "push", body, secret: null)),
                Is.EqualTo((HttpStatusCode.Unauthorized, "Signature check failed", "The X-Hub-Signature-256 header is missing.")), $"unsigned {what}");
            Assert.That(await RefusalAsync(ForgePayloads.Github("/hooks/github", "push", body, "not the secret")),
                Is.EqualTo((HttpStatusCode.Unauthorized, "Signature check failed",
                    "The X-Hub-Signature-256 header does not match the webhook secret of any project registered for this repository.")),
                $"{what} signed with a wrong secret");
            Assert.That(await RefusalAsync(ForgePayloads.Github($"/hooks/github/{project.Slug}", "push", body, secret: null)),
                Is.EqualTo((HttpStatusCode.Unauthorized, "Signature check failed", "The X-Hub-Signature-256 header is missing.")),
                $"unsigned {what} to the project's own address");
        }
        Assert.That(await Client.ListRunsAsync(project.Slug), Is.Empty);
    }

    [Test]
    public async Task A_gitlab_delivery_without_the_token_gets_401_before_its_body_is_read()
    {
        var (_, project) = await ProjectWithAsync(EchoPipeline, forge: "gitlab");
        foreach (var path in new[] { "/hooks/gitlab", $"/hooks/gitlab/{project.Slug}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent("{}"u8.ToArray()) };
            request.Headers.Add("X-Gitlab-Event", "Push Hook");

            using var response = await Client.SendAsync(request);

            var problem = await response.ReadProblemAsync(HttpStatusCode.Unauthorized);
            Assert.That(problem.StringOrNull("detail"), Is.EqualTo("The X-Gitlab-Token header is missing."), path);
        }
    }

    [Test]
    public async Task A_signed_body_is_read_after_the_signature_and_its_faults_are_then_reported()
    {
        var (_, project) = await ProjectWithAsync(EchoPipeline, forge: "github");

        using var response = await Client.SendAsync(ForgePayloads.Github($"/hooks/github/{project.Slug}", "push", "{}"u8.ToArray(), project.WebhookSecret));

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.StringOrNull("detail"), Is.EqualTo("GitHub push payload has no 'ref'."));
    }

    [Test]
    public async Task Two_hundred_unsigned_posts_store_no_delivery_and_are_counted_on_the_project_and_in_the_metric()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var payload = ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha);
        var meters = Factory.Services.GetRequiredService<IMeterFactory>();
        var counted = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == WebhookMetrics.RejectedName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? forge = null, reason = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "forge") forge = tag.Value as string;
                if (tag.Key == "reason") reason = tag.Value as string;
            }
            counted.AddOrUpdate($"{forge}/{reason}", value, (_, total) => total + value);
        });
        listener.Start();
        var before = DateTime.UtcNow;

        // In waves of 20 at once, so the counter is raised by concurrent requests, as an attack would.
        for (var wave = 0; wave < 10; wave++)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
                SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, secret: null))));
            Assert.That(answers.Select(a => a.Status), Is.All.EqualTo(HttpStatusCode.Unauthorized));
        }

        Assert.That(await DeliveryRowsAsync(project.Slug), Is.Zero, "refused deliveries are not stored");
        Assert.That(await Client.ListDeliveriesAsync(project.Slug), Is.Empty);
        var shown = await GetProjectAsync(project.Slug);
        Assert.Multiple(() =>
        {
            Assert.That(shown.GetProperty("rejectedDeliveries").GetInt64(), Is.EqualTo(200));
            Assert.That(shown.GetProperty("lastRejectedAt").GetDateTime(), Is.GreaterThanOrEqualTo(before.AddSeconds(-1)));
            Assert.That(shown.StringOrNull("lastRejectionReason"), Is.EqualTo("The X-Hub-Signature-256 header is missing."));
            Assert.That(counted.GetValueOrDefault("github/signature_missing"), Is.EqualTo(200));
        });
    }

    [Test]
    public async Task A_wrong_signature_and_an_unknown_repository_are_counted_with_their_reasons()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        using var stranger = TestRepository.Create(EchoPipeline);
        var meters = Factory.Services.GetRequiredService<IMeterFactory>();
        var reasons = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == WebhookMetrics.RejectedName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "reason") reasons.Add((string)tag.Value!);
        });
        listener.Start();

        await SendAsync(ForgePayloads.Github("/hooks/github", "push",
            ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha), "not the secret"));
        await SendAsync(ForgePayloads.Github("/hooks/github", "push",
            ForgePayloads.GithubPush(stranger, "refs/heads/main", stranger.HeadSha), "whatever"));

        Assert.That(reasons, Is.EquivalentTo(new[] { "signature_mismatch", "no_project" }));
        var shown = await GetProjectAsync(project.Slug);
        Assert.That(shown.GetProperty("rejectedDeliveries").GetInt64(), Is.EqualTo(1), "the unknown repository's refusal is not this project's");
        Assert.That(shown.StringOrNull("lastRejectionReason"), Does.Contain("does not match"));
    }

    [Test]
    public async Task The_same_push_sent_again_with_a_new_delivery_id_or_none_answers_with_the_first_run_and_a_manual_run_still_runs_it()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var payload = ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha);

        var first = await SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret));
        var newId = await SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret));
        var noId = await SendAsync(WithoutDeliveryId(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret)));

        Assert.That(first.Status, Is.EqualTo(HttpStatusCode.Accepted), first.Text);
        var runId = first.Body.GetProperty("runId").GetGuid();
        foreach (var (status, body, text) in new[] { newId, noId })
        {
            Assert.Multiple(() =>
            {
                Assert.That(status, Is.EqualTo(HttpStatusCode.OK), text);
                Assert.That(body.StringOrNull("outcome"), Is.EqualTo("duplicate"), text);
                Assert.That(body.GetProperty("runId").GetGuid(), Is.EqualTo(runId), text);
                Assert.That(body.GetProperty("runNumber").GetInt64(), Is.EqualTo(1), text);
            });
        }
        Assert.That((await Client.ListRunsAsync(project.Slug)).Select(r => r.GetProperty("id").GetGuid()), Is.EqualTo(new[] { runId }));
        var deliveries = await Client.ListDeliveriesAsync(project.Slug);
        Assert.That(deliveries.Select(d => d.StringOrNull("outcome")), Is.EquivalentTo(new[] { "run_created", "duplicate", "duplicate" }));
        Assert.That(deliveries.Select(d => d.GetProperty("runId").GetGuid()), Is.All.EqualTo(runId));

        var manual = await Client.TriggerAsync(project.Slug, "main", repository.HeadSha);
        Assert.That(manual.Id, Is.Not.EqualTo(runId), "a manual run of the same commit is a new run");
        Assert.That(await Client.ListRunsAsync(project.Slug), Has.Count.EqualTo(2));
        await Client.WaitForEndAsync(runId);
        await Client.WaitForEndAsync(manual.Id);
    }

    [Test]
    public async Task A_new_commit_on_the_same_branch_and_the_same_commit_on_another_branch_each_get_a_run()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var firstSha = repository.HeadSha;
        var secondSha = repository.Commit(new Dictionary<string, string> { ["more.txt"] = "more\n" }, "More");
        repository.Git("branch", "other", firstSha);

        var answers = new[]
        {
            await SendAsync(ForgePayloads.Github("/hooks/github", "push", ForgePayloads.GithubPush(repository, "refs/heads/main", firstSha), project.WebhookSecret)),
            await SendAsync(ForgePayloads.Github("/hooks/github", "push", ForgePayloads.GithubPush(repository, "refs/heads/main", secondSha, message: "More"), project.WebhookSecret)),
            await SendAsync(ForgePayloads.Github("/hooks/github", "push", ForgePayloads.GithubPush(repository, "refs/heads/other", firstSha), project.WebhookSecret)),
        };

        Assert.That(answers.Select(a => a.Body.StringOrNull("outcome")), Is.All.EqualTo("run_created"), string.Join("\n", answers.Select(a => a.Text)));
        foreach (var answer in answers) await Client.WaitForEndAsync(answer.Body.GetProperty("runId").GetGuid());
    }

    [Test]
    public async Task Identical_pushes_arriving_at_once_make_one_run_and_every_answer_names_it()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var payload = ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret))));

        var texts = string.Join("\n", answers.Select(a => a.Text));
        Assert.That(answers.Count(a => a.Body.StringOrNull("outcome") == "run_created"), Is.EqualTo(1), texts);
        Assert.That(answers.Count(a => a.Body.StringOrNull("outcome") == "duplicate"), Is.EqualTo(7), texts);
        var runs = await Client.ListRunsAsync(project.Slug);
        Assert.That(runs, Has.Count.EqualTo(1), texts);
        var runId = runs[0].GetProperty("id").GetGuid();
        Assert.That(answers.Select(a => a.Body.GetProperty("runId").GetGuid()), Is.All.EqualTo(runId), texts);
        await Client.WaitForEndAsync(runId);
    }

    [Test]
    public async Task A_tag_pushed_again_at_the_same_commit_answers_with_its_first_run()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        repository.Git("tag", "v2.0");
        var payload = ForgePayloads.GithubPush(repository, "refs/tags/v2.0", repository.HeadSha, before: ForgePayloads.ZeroSha);

        var first = await SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret));
        var again = await SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret));

        Assert.That(first.Body.StringOrNull("outcome"), Is.EqualTo("run_created"), first.Text);
        Assert.That(again.Body.StringOrNull("outcome"), Is.EqualTo("duplicate"), again.Text);
        Assert.That(again.Body.GetProperty("runId").GetGuid(), Is.EqualTo(first.Body.GetProperty("runId").GetGuid()));
        await Client.WaitForEndAsync(first.Body.GetProperty("runId").GetGuid());
    }

    [Test]
    public async Task A_pull_request_event_for_the_same_head_commit_answers_with_its_first_run_and_a_new_head_gets_a_new_one()
    {
        var (repository, project) = await ProjectWithAsync(EchoPipeline, forge: "github");
        var baseSha = repository.HeadSha;
        repository.Git("update-ref", "refs/pull/9/head", baseSha);
        var opened = ForgePayloads.GithubPullRequestFromFork(repository, 9, baseSha, "contribution", baseSha);
        var reopened = ForgePayloads.GithubPullRequestFromFork(repository, 9, baseSha, "contribution", baseSha, action: "reopened");

        var first = await SendAsync(ForgePayloads.Github("/hooks/github", "pull_request", opened, project.WebhookSecret));
        var again = await SendAsync(ForgePayloads.Github("/hooks/github", "pull_request", reopened, project.WebhookSecret));
        var headSha = repository.Commit(new Dictionary<string, string> { ["fix.txt"] = "fix\n" }, "Fix");
        repository.Git("update-ref", "refs/pull/9/head", headSha);
        var pushedTo = await SendAsync(ForgePayloads.Github("/hooks/github", "pull_request",
            ForgePayloads.GithubPullRequestFromFork(repository, 9, headSha, "contribution", baseSha, action: "synchronize"), project.WebhookSecret));

        Assert.That(first.Body.StringOrNull("outcome"), Is.EqualTo("run_created"), first.Text);
        Assert.That(again.Body.StringOrNull("outcome"), Is.EqualTo("duplicate"), again.Text);
        Assert.That(again.Body.GetProperty("runId").GetGuid(), Is.EqualTo(first.Body.GetProperty("runId").GetGuid()));
        Assert.That(pushedTo.Body.StringOrNull("outcome"), Is.EqualTo("run_created"), pushedTo.Text);
        await Client.WaitForEndAsync(first.Body.GetProperty("runId").GetGuid());
        await Client.WaitForEndAsync(pushedTo.Body.GetProperty("runId").GetGuid());
    }
}
