using Comet.Orchestrator.Tests.Edge;
using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Events;

/// <summary>The live event stream through the real gateway process: streamed as it happens, over SSE and WebSocket.</summary>
public sealed class LiveEventGatewayTests
{
    private GatewayInFront _edge = null!;
    private HttpClient _admin = null!;
    private TestRepository? _repository;

    [OneTimeSetUp]
    public async Task Start()
    {
        _edge = await GatewayInFront.StartAsync(new Dictionary<string, string?>
        {
            ["Runner:PollInterval"] = "00:00:00.200",
            ["Runner:KillGracePeriod"] = "00:00:01",
            ["Events:Heartbeat"] = "00:00:00.500",
        });
        _admin = OrchestratorFactory.SignIn(_edge.GatewayClient(), OrchestratorFactory.AdminName, OrchestratorFactory.AdminPassword);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _admin.Dispose();
        await _edge.DisposeAsync();
        _repository?.Dispose();
    }

    [Test]
    public async Task Events_and_heartbeats_come_through_the_gateway_as_they_happen_over_SSE_and_WebSocket()
    {
        _repository = TestRepository.Create("""
            jobs:
              build:
                steps:
                  - run: sleep 1
            """);
        var project = await _admin.CreateProjectAsync(_repository.Url);
        await using var stream = await SseClient.ConnectAsync(_admin, $"/api/v1/events?project={project.Slug}");
        await using var socket = await WebSocketEventClient.ConnectAsync(_edge.GatewayUrl, _admin.DefaultRequestHeaders.Authorization!.Parameter,
            $"/api/v1/events/ws?project={project.Slug}");
        var run = await _admin.TriggerAsync(project.Slug);

        // The step sleeps a second: its start must arrive while it still runs, not buffered until the end.
        var untilStepRuns = await stream.ReadUntilAsync(e => e.Type == "step.status" && e.Str("status") == "running");
        var runNow = await _admin.GetRunAsync(run.Id);
        var rest = await stream.ReadUntilAsync(e => e.Type == "run.finished");
        var overSocket = await socket.ReadUntilAsync(e => e.Type == "run.finished");

        Assert.Multiple(() =>
        {
            Assert.That(untilStepRuns[0].Type, Is.EqualTo("run.queued"));
            Assert.That(runNow.HasEnded, Is.False, "the step's start came through while the run was still going");
            Assert.That(rest[^1].Str("status"), Is.EqualTo("success"));
            Assert.That(stream.Heartbeats, Is.GreaterThan(0));
            Assert.That(overSocket.Select(e => e.Id), Is.EqualTo(untilStepRuns.Concat(rest).Select(e => e.Id)));
        });
    }
}
