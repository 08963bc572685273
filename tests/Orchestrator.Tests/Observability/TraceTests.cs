using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Comet.Application.Runs.Execution;
using Comet.Orchestrator.Tests.Edge;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Observability;

/// <summary>
/// One trace from the request that makes a run to the steps of its jobs, with W3C traceparent between the hosts: the
/// run keeps the request's context, the job's span continues it however much later the job runs, and every step log
/// names the trace.
/// </summary>
public sealed class TraceTests
{
    private const string Pipeline = """
        jobs:
          build:
            steps:
              - name: compile
                run: echo "compiling"
              - name: package
                run: echo "packaging"
        """;

    private static bool IsJobOf(Activity span, Guid runId) =>
        span.OperationName == JobTracing.JobSpan && span.GetTagItem("comet.run.id") as string == runId.ToString();

    private static async Task AssertStepLogsNameAsync(HttpClient client, RunView run, string traceId)
    {
        var job = run.Job("build");
        foreach (var step in job.Steps)
        {
            var log = await client.ReadLogAsync(run, job, step.Index);
            var first = log.Split('\n')[0];
            Assert.That(first, Does.EndWith($" [comet] trace {traceId}"), $"step {step.Index}'s log opens with the trace:\n{log}");
        }
    }

    [Test]
    public async Task A_webhook_deliverys_traceparent_is_the_trace_of_its_runs_job_and_steps()
    {
        var spans = new RecordedSpans();
        using var orchestrator = new ListeningOrchestrator(RecordedSpans.Settings, spans.AddExporterTo);
        var (repository, project) = await orchestrator.ProjectWithAsync(Pipeline, forge: "github");
        var caller = ActivityContext.Parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null);
        using var delivery = ForgePayloads.Github("/hooks/github", "push", ForgePayloads.GithubPush(repository, "refs/heads/main", repository.HeadSha),
            project.WebhookSecret);
        delivery.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");

        using var answer = await orchestrator.Admin.SendAsync(delivery);
        var body = await answer.Content.ReadAsStringAsync();
        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), body);
        var run = await orchestrator.Admin.WaitForEndAsync(JsonDocument.Parse(body).RootElement.GetProperty("runId").GetGuid());
        var job = await spans.WaitForAsync(s => IsJobOf(s, run.Id), "comet.job span");
        var server = spans.Snapshot().Single(s => s.SpanId == job.ParentSpanId);
        var steps = spans.Snapshot().Where(s => s.OperationName == JobTracing.StepSpan && s.ParentSpanId == job.SpanId).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
            Assert.That(server.Kind, Is.EqualTo(ActivityKind.Server), "the job's parent is the webhook request's server span");
            Assert.That(server.ParentSpanId, Is.EqualTo(caller.SpanId), "which continues the forge's traceparent");
            Assert.That(job.TraceId, Is.EqualTo(caller.TraceId));
            Assert.That(steps.Select(s => s.GetTagItem("comet.step.name")), Is.EqualTo(new[] { "compile", "package" }));
            Assert.That(steps.Select(s => s.TraceId), Is.All.EqualTo(caller.TraceId));
            Assert.That(job.GetTagItem("comet.job.status"), Is.EqualTo("success"));
        });
        await AssertStepLogsNameAsync(orchestrator.Admin, run, caller.TraceId.ToHexString());
    }

    [Test]
    public async Task A_run_triggered_through_the_gateway_is_one_trace_from_the_gateways_server_span_to_its_steps()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        var spans = new RecordedSpans();
        var settings = RecordedSpans.Settings;
        settings["Runner:PollInterval"] = "00:00:00.200";
        await using var edge = await GatewayInFront.StartAsync(settings, collector.ExporterSettings, spans.AddExporterTo);
        using var user = OrchestratorFactory.SignIn(edge.GatewayClient(), OrchestratorFactory.AdminName, OrchestratorFactory.AdminPassword);
        using var repository = TestRepository.Create(Pipeline);
        var project = await user.CreateProjectAsync(repository.Url);

        var created = await user.TriggerAsync(project.Slug);
        var run = await user.WaitForEndAsync(created.Id);
        var job = await spans.WaitForAsync(s => IsJobOf(s, run.Id), "comet.job span");
        var orchestratorServer = spans.Snapshot().Single(s => s.SpanId == job.ParentSpanId);
        Assert.That(orchestratorServer.ParentSpanId, Is.Not.EqualTo(default(ActivitySpanId)),
            "the orchestrator's server span has no parent: the gateway sent no traceparent (its forwarder's handler must keep an ActivityHeadersPropagator)");
        var forward = (await collector.WaitForSpansAsync(all => all.Any(s => s.SpanId == orchestratorServer.ParentSpanId.ToHexString()),
            TimeSpan.FromSeconds(30),
            $"gateway span {orchestratorServer.ParentSpanId} (the parent of the orchestrator's server span; a forwarder that passes its caller's traceparent on instead of its own leaves the gateway out)")).Single(s => s.SpanId == orchestratorServer.ParentSpanId.ToHexString());
        // The gateway's server span ends after its call does, so it may come in a later export.
        var gatewaySpans = await collector.WaitForSpansAsync(all => all.Any(s => s.TraceId == forward.TraceId && s.Kind == OtlpSpan.Server),
            TimeSpan.FromSeconds(30), "gateway server span");
        var gatewayServer = GatewayServerSpanAbove(forward, gatewaySpans);

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
            Assert.That(orchestratorServer.Kind, Is.EqualTo(ActivityKind.Server));
            Assert.That(orchestratorServer.GetTagItem("http.route"), Is.EqualTo("/api/v1/projects/{slug}/runs/"));
            Assert.That(forward.Service, Is.EqualTo("comet-gateway"));
            Assert.That(forward.Kind, Is.EqualTo(OtlpSpan.Client), "the gateway's HTTP call to the orchestrator");
            Assert.That(gatewayServer.Kind, Is.EqualTo(OtlpSpan.Server));
            Assert.That(gatewayServer.Attributes.GetValueOrDefault("url.path"), Is.EqualTo($"/api/v1/projects/{project.Slug}/runs"));
            Assert.That(new[] { gatewayServer.TraceId, forward.TraceId, orchestratorServer.TraceId.ToHexString() },
                Is.All.EqualTo(job.TraceId.ToHexString()), "one trace id from the gateway to the job");
            Assert.That(spans.Snapshot().Count(s => s.OperationName == JobTracing.StepSpan && s.ParentSpanId == job.SpanId), Is.EqualTo(2));
        });
        await AssertStepLogsNameAsync(user, run, job.TraceId.ToHexString());
    }

    /// <summary>Walks up the gateway's spans from <paramref name="span"/> to the server span of the request (the forwarder may add spans between).</summary>
    private static OtlpSpan GatewayServerSpanAbove(OtlpSpan span, IReadOnlyList<OtlpSpan> gatewaySpans)
    {
        var current = span;
        while (current.Kind != OtlpSpan.Server)
        {
            var parent = gatewaySpans.FirstOrDefault(s => s.SpanId == current.ParentSpanId);
            if (parent is null) Assert.Fail($"no gateway server span above {span}; gateway spans:\n{string.Join("\n", gatewaySpans)}");
            current = parent!;
        }
        return current;
    }
}
