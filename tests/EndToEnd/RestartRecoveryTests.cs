using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comet.TestSupport;

namespace Comet.EndToEnd;

/// <summary>
/// The orchestrator process is killed (SIGKILL) while a step runs. The next start must mark that job
/// lost (error), finish its run, and still run the job that was queued behind it: nothing accepted is lost.
/// </summary>
[NonParallelizable]
public class RestartRecoveryTests
{
    private TempDirectory _dir = null!;
    private TempDirectory _repo = null!;
    private DevScript _comet = null!;

    [SetUp]
    public void CreateInstance()
    {
        _dir = new TempDirectory("comet-e2e-restart");
        _repo = new TempDirectory("comet-e2e-repo");
        _comet = new DevScript(_dir.Path, FreePort.Next(), FreePort.Next());
        // One job at a time, so the second job is still queued when the orchestrator dies.
        _comet.Environment["Runner__MaxParallelJobs"] = "1";
        _comet.Environment["Runner__PollInterval"] = "00:00:00.200";
        _comet.Environment["COMET_BOOTSTRAP_ADMIN"] = "e2e-admin:e2e-password";
    }

    [TearDown]
    public async Task StopInstance()
    {
        await _comet.RunAsync("stop", TimeSpan.FromMinutes(1));
        // The killed orchestrator could not end its step; end the orphan here.
        var pidFile = Path.Combine(_repo.Path, "step.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            Process.Start("kill", ["-KILL", "--", $"-{pid}"])?.WaitForExit();
        _dir.Dispose();
        _repo.Dispose();
    }

    [Test]
    public async Task Killed_orchestrator_marks_its_running_job_lost_and_resumes_the_queued_one_after_restart()
    {
        var marker = Path.Combine(_repo.Path, "step.pid");
        Git(_repo.Path, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(_repo.Path, ".comet.yml"), $"""
            jobs:
              long:
                steps:
                  - run: echo $$ > {marker}; sleep 300
              queued:
                steps:
                  - run: echo "ran after the restart"
            """);
        Git(_repo.Path, "add", ".");
        Git(_repo.Path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "pipeline");

        Assert.That((await _comet.RunAsync("start")).ExitCode, Is.EqualTo(0));
        using var http = await _comet.SignedInClientAsync("e2e-admin", "e2e-password");
        var created = await http.PostAsJsonAsync("/api/v1/projects", new { name = "Restart", repoUrl = "file://" + _repo.Path });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var triggered = await http.PostAsJsonAsync("/api/v1/projects/restart/runs", new { });
        Assert.That(triggered.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await triggered.Content.ReadAsStringAsync());
        var runId = (await triggered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        await WaitUntil(() => File.Exists(marker) && File.ReadAllText(marker).Trim().Length > 0, TimeSpan.FromSeconds(60), "the long step to start");
        var orchestrator = _comet.RecordedPid("orchestrator")!.Value;
        Process.Start("kill", ["-KILL", orchestrator.ToString()])!.WaitForExit();
        await WaitUntil(() => !DevScript.IsAlive(orchestrator), TimeSpan.FromSeconds(10), "the orchestrator to die");

        var restart = await _comet.RunAsync("start");
        Assert.That(restart.ExitCode, Is.EqualTo(0), restart.Output);

        JsonElement run = default;
        await WaitUntil(async () =>
        {
            run = await http.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");
            return run.GetProperty("status").GetString() is "error" or "success" or "failed" or "cancelled";
        }, TimeSpan.FromSeconds(60), "the run to end after the restart");

        var jobs = run.GetProperty("jobs").EnumerateArray().ToDictionary(j => j.GetProperty("name").GetString()!);
        Assert.Multiple(() =>
        {
            Assert.That(run.GetProperty("status").GetString(), Is.EqualTo("error"));
            Assert.That(run.GetProperty("error").GetString(), Does.Contain("restarted"));
            Assert.That(jobs["long"].GetProperty("status").GetString(), Is.EqualTo("error"));
            Assert.That(jobs["long"].GetProperty("note").GetString(), Does.Contain("orchestrator restarted"));
            Assert.That(jobs["queued"].GetProperty("status").GetString(), Is.EqualTo("success"), "the queued job must not be lost");
        });
    }

    private static void Git(string dir, params string[] args)
    {
        var info = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var git = Process.Start(info)!;
        git.WaitForExit();
        Assert.That(git.ExitCode, Is.EqualTo(0), $"git {string.Join(' ', args)}: {git.StandardError.ReadToEnd()}");
    }

    private static Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what) =>
        WaitUntil(() => Task.FromResult(condition()), timeout, what);

    private static async Task WaitUntil(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail($"Timed out waiting for {what}.");
    }
}
