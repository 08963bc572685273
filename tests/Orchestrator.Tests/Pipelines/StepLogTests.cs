using System.Net;
using System.Text;

namespace Comet.Orchestrator.Tests.Pipelines;

/// <summary>Step logs through GET …/steps/{index}/log: whole, from a byte offset, and followed live as Server-Sent Events.</summary>
public sealed class StepLogTests : PipelineTestBase
{
    [Test]
    public async Task A_steps_log_holds_its_output_lines_with_timestamps_and_the_offset_gives_the_rest()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              talk:
                steps:
                  - run: echo "before"
                  - name: count
                    run: |
                      echo one
                      echo "two — ünïcödé"
                      echo three
                      echo "to stderr" >&2
            """);
        var run = await Client.TriggerAndWaitAsync(project.Slug);
        var talk = run.Job("talk");

        using var response = await Client.GetAsync(PipelineApi.LogPath(run, talk, 1));
        var log = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), log);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/plain"));
        var lines = PipelineApi.LogLines(log);
        Assert.That(lines.Where(l => l != "to stderr"), Is.EqualTo(new[] { "one", "two — ünïcödé", "three" }));
        Assert.That(lines, Does.Contain("to stderr"), "stderr is logged too");
        Assert.That(lines, Does.Not.Contain("before"), "each step has its own log");

        var firstLineBytes = Encoding.UTF8.GetByteCount(log[..(log.IndexOf('\n') + 1)]);
        var rest = await Client.ReadLogAsync(run, talk, step: 1, offset: firstLineBytes);

        Assert.That(rest, Is.EqualTo(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(log)[firstLineBytes..])));
        Assert.That(await Client.ReadLogAsync(run, talk, step: 1, offset: Encoding.UTF8.GetByteCount(log)), Is.Empty,
            "nothing is left after the end");
    }

    [Test]
    public async Task The_log_of_a_step_that_does_not_exist_is_a_404()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  one:\n    steps:\n      - run: 'true'\n");
        var run = await Client.TriggerAndWaitAsync(project.Slug);

        using var response = await Client.GetAsync(PipelineApi.LogPath(run, run.Job("one"), 5));

        await response.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Following_a_running_step_streams_its_lines_as_they_come_and_ends_with_an_end_event()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              work:
                steps:
                  - run: |
                      echo preparing
                      echo working
                      sleep 3
                      echo done
            """);
        var started = await Client.TriggerAsync(project.Slug);
        var running = await Client.WaitForRunAsync(started.Id, r => r.Jobs.Count > 0 && r.Job("work").Steps[0].Status == "running", "start its step");

        using var request = new HttpRequestMessage(HttpMethod.Get, PipelineApi.LogPath(running, running.Job("work"), 0) + "?follow=true");
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new StringBuilder();
        string? stepStatusWhenWorkingArrived = null;
        using var timeout = new CancellationTokenSource(PipelineApi.RunTimeout);
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            events.Append(line).Append('\n');
            if (stepStatusWhenWorkingArrived is null && line.StartsWith("data: ", StringComparison.Ordinal) && line.EndsWith(" working", StringComparison.Ordinal))
                stepStatusWhenWorkingArrived = (await Client.GetRunAsync(started.Id)).Job("work").Steps[0].Status;
        }

        var text = events.ToString();
        Assert.Multiple(() =>
        {
            Assert.That(stepStatusWhenWorkingArrived, Is.EqualTo("running"),
                $"a line printed before a quiet stretch reached the follower only after the step ended:\n{text}");
            Assert.That(text, Does.Contain("event: log\n"));
            var data = text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal) && !l.StartsWith("data: {", StringComparison.Ordinal))
                .Select(l => l["data: ".Length..]).ToList();
            Assert.That(PipelineApi.LogLines(string.Join('\n', data)), Is.EqualTo(new[] { "preparing", "working", "done" }));
            Assert.That(text, Does.EndWith("event: end\ndata: {\"status\":\"success\"}\n\n"));
        });
    }

    [Test]
    public async Task Following_a_finished_step_sends_its_whole_log_then_the_end_event()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  done:\n    steps:\n      - run: echo alpha; echo beta; exit 4\n");
        var run = await Client.TriggerAndWaitAsync(project.Slug);

        var text = await Client.GetStringAsync(PipelineApi.LogPath(run, run.Job("done"), 0) + "?follow=true");

        // The job header: the trace line when the run knows its trace, then the backend.
        Assert.That(text, Does.Match(@"^id: \d+\nevent: log\n(data: \S+ \[comet\] trace [0-9a-f]{32}\n)?data: \S+ \[comet\] sandbox backend [^\n]*\ndata: \S+ alpha\ndata: \S+ beta\n\n"));
        Assert.That(text, Does.EndWith("event: end\ndata: {\"status\":\"failed\"}\n\n"));
    }

    [Test]
    public async Task A_follower_that_reconnects_with_last_event_id_gets_only_what_it_has_not_seen()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  done:\n    steps:\n      - run: echo alpha; echo beta\n");
        var run = await Client.TriggerAndWaitAsync(project.Slug);
        var log = await Client.ReadLogAsync(run, run.Job("done"));
        var afterAlpha = Encoding.UTF8.GetByteCount(log[..(log.IndexOf(" alpha\n", StringComparison.Ordinal) + " alpha\n".Length)]);

        using var request = new HttpRequestMessage(HttpMethod.Get, PipelineApi.LogPath(run, run.Job("done"), 0) + "?follow=true");
        request.Headers.Add("Last-Event-ID", afterAlpha.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.That(text, Does.Not.Contain("alpha"));
        Assert.That(text, Does.Match(@"^id: \d+\nevent: log\ndata: \S+ beta\n\nevent: end\n"));
    }
}
