using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Observability;

/// <summary>
/// The orchestrator's /metrics over real HTTP after real runs: the CI metrics move by exactly what a run did, the text
/// passes promtool, and only allowed scrapers read it.
/// </summary>
/// <remarks>
/// Not in parallel with other fixtures: OpenTelemetry listens to meters by name across the process, so another
/// orchestrator's runs in this test process would show in these figures.
/// </remarks>
[NonParallelizable]
public sealed class OrchestratorMetricsTests
{
    private const string Pipeline = """
        jobs:
          check:
            steps:
              - name: build
                run: echo "building the widgets"
              - name: test
                run: |
                  mkdir -p reports
                  cat > reports/junit.xml <<'EOF'
                  <testsuite name="app.Checks">
                    <testcase classname="app.Checks" name="spins" time="0.5"/>
                    <testcase classname="app.Checks" name="wobbles"><skipped/></testcase>
                  </testsuite>
                  EOF
                  echo "tested"
            reports:
              junit: reports/junit.xml
        """;

    private ListeningOrchestrator _orchestrator = null!;

    [OneTimeSetUp]
    public void Start() => _orchestrator = new ListeningOrchestrator();

    [OneTimeTearDown]
    public void Stop() => _orchestrator.Dispose();

    private async Task<string> ScrapeTextAsync(HttpClient? client = null)
    {
        using var response = await (client ?? _orchestrator.Admin).GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        return text;
    }

    private async Task<IReadOnlyList<Sample>> ScrapeAsync() => PrometheusText.Parse(await ScrapeTextAsync());

    [Test]
    public async Task A_run_moves_the_ci_metrics_by_exactly_what_it_did()
    {
        var (_, project) = await _orchestrator.ProjectWithAsync(Pipeline);
        var before = await ScrapeAsync();

        var run = await _orchestrator.Admin.TriggerAndWaitAsync(project.Slug);
        var after = await ScrapeAsync();

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var job = run.Job("check");
        var logBytes = 0L;
        foreach (var step in job.Steps)
            logBytes += Encoding.UTF8.GetByteCount(await _orchestrator.Admin.ReadLogAsync(run, job, step.Index));
        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
        Assert.Multiple(() =>
        {
            Assert.That(Delta("comet_runs_completed_total", ("status", "success")), Is.EqualTo(1));
            Assert.That(Delta("comet_runs_completed_total", ("status", "failed")), Is.Zero);
            Assert.That(Delta("comet_jobs_completed_total", ("status", "success")), Is.EqualTo(1));
            Assert.That(Delta("comet_job_duration_seconds_count", ("status", "success")), Is.EqualTo(1));
            Assert.That(Delta("comet_job_duration_seconds_sum", ("status", "success")), Is.GreaterThan(0));
            Assert.That(Delta("comet_step_duration_seconds_count", ("status", "success")), Is.EqualTo(2));
            Assert.That(Delta("comet_queue_wait_seconds_count"), Is.EqualTo(1), "the job was claimed once");
            Assert.That(Delta("comet_log_bytes_total"), Is.EqualTo(logBytes), "every byte of both step logs, and nothing else");
            Assert.That(Delta("comet_tests_stored_total", ("outcome", "passed")), Is.EqualTo(1));
            Assert.That(Delta("comet_tests_stored_total", ("outcome", "skipped")), Is.EqualTo(1));
            Assert.That(Delta("http_server_request_duration_seconds_count", ("http_route", "/api/v1/projects/{slug}/runs/"), ("http_request_method", "POST")),
                Is.EqualTo(1), "ASP.NET Core's server metrics, by route");
            Assert.That(after.Sum("comet_queue_depth"), Is.Zero, "nothing waits once the run is over");
        });
    }

    [Test]
    public async Task Webhook_deliveries_are_counted_by_forge_and_the_refused_ones_by_reason()
    {
        var (repository, project) = await _orchestrator.ProjectWithAsync(Pipeline, forge: "github");
        var payload = ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha);
        var before = await ScrapeAsync();

        using (var accepted = await _orchestrator.Admin.SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, project.WebhookSecret)))
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await accepted.Content.ReadAsStringAsync());
        using (var refused = await _orchestrator.Admin.SendAsync(ForgePayloads.Github("/hooks/github", "push", payload, "not-the-secret")))
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var after = await ScrapeAsync();

        double Delta(string name, params (string, string)[] labels) => after.Sum(name, labels) - before.Sum(name, labels);
        Assert.Multiple(() =>
        {
            Assert.That(Delta("comet_webhooks_received_total", ("forge", "github")), Is.EqualTo(2));
            Assert.That(Delta("comet_webhooks_rejected_total", ("forge", "github"), ("reason", "signature_mismatch")), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Its_metrics_after_a_run_pass_promtool()
    {
        var promtool = Promtool.Require();
        var (_, project) = await _orchestrator.ProjectWithAsync(Pipeline);
        await _orchestrator.Admin.TriggerAndWaitAsync(project.Slug);

        var text = await ScrapeTextAsync();
        var (exitCode, output) = await Promtool.CheckMetricsAsync(promtool, text);

        Assert.That(exitCode, Is.Zero, $"promtool check metrics said:\n{output}\nabout:\n{text}");
        Assert.That(ObservabilityDocs.UndocumentedFamilies(text), Is.Empty, $"every metric served is listed in {ObservabilityDocs.Path}");
        Assert.That(PrometheusText.Parse(text).Select(s => s.Name).ToHashSet(), Is.SupersetOf(new[]
        {
            "comet_runs_completed_total", "comet_jobs_completed_total", "comet_job_duration_seconds_bucket", "comet_step_duration_seconds_bucket",
            "comet_queue_wait_seconds_bucket", "comet_queue_depth", "comet_log_bytes_total", "comet_tests_stored_total", "comet_outbox_dead",
            "http_server_request_duration_seconds_bucket", "kestrel_active_connections", "dotnet_gc_collections_total",
        }));
    }

    [Test]
    public async Task Another_address_of_this_machine_is_refused_unless_allowed()
    {
        using var other = _orchestrator.ClientFrom("127.0.0.2");

        using var response = await other.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), Does.StartWith("127.0.0.2 may not read the metrics"));
        Assert.That(body, Does.Not.Contain("comet_"));
    }

    [Test]
    public async Task With_a_scrape_token_a_scraper_needs_it_even_from_an_allowed_address()
    {
        const string token = "orchestrator-scrape-token-42";
        using var guarded = new ListeningOrchestrator(new Dictionary<string, string?>
        {
            ["Comet:Metrics:AllowedScrapers:0"] = "127.0.0.0/8",
            ["Comet:Metrics:ScrapeToken"] = token,
        });
        using var scraper = guarded.ClientFrom("127.0.0.2");

        using var without = await scraper.GetAsync("/metrics");
        using var with = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
        using var allowed = await scraper.SendAsync(with);

        Assert.That(without.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), await without.Content.ReadAsStringAsync());
        Assert.That(without.Headers.WwwAuthenticate.ToString(), Does.StartWith("Bearer"));
        Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the token is not taken for a sign-in token: " + await allowed.Content.ReadAsStringAsync());
        Assert.That(await allowed.Content.ReadAsStringAsync(), Does.Contain("target_info"));
    }
}
