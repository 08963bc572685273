using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comet.TestSupport;

namespace Comet.EndToEnd;

/// <summary>
/// The orchestrator process is killed (SIGKILL) while a sandboxed step runs, as a crash would end it. The step must
/// not outlive it (the sandbox dies with its parent), and the next start must mark that job lost (error), remove its
/// workspace, finish its run, and still run the job that was queued behind it: nothing accepted is lost.
/// The long step cannot leave a note outside its workspace (the sandbox refuses), so it names its sleep with a unique
/// argv[0] and is found from outside through /proc.
/// </summary>
[NonParallelizable]
public class RestartRecoveryTests
{
    private TempDirectory _dir = null!;
    private TempDirectory _repo = null!;
    private TempDirectory _work = null!;
    private DevScript _comet = null!;
    private string _stepName = null!;
    private HttpClient? _http;

    [SetUp]
    public void CreateInstance()
    {
        _dir = new TempDirectory("comet-e2e-restart");
        _repo = new TempDirectory("comet-e2e-repo");
        _work = new TempDirectory("comet-e2e-work");
        _stepName = "comet-e2e-" + Guid.NewGuid().ToString("N");
        _comet = new DevScript(_dir.Path, FreePort.Next(), FreePort.Next());
        // One job at a time, so the second job is still queued when the orchestrator dies.
        _comet.Environment["Runner__MaxParallelJobs"] = "1";
        _comet.Environment["Runner__PollInterval"] = "00:00:00.200";
        // Workspaces in a folder of the test's own, so the test can see them made and removed.
        _comet.Environment["Runner__WorkDirectory"] = _work.Path;
        _comet.Environment["COMET_BOOTSTRAP_ADMIN"] = "e2e-admin:e2e-password";
    }

    [TearDown]
    public async Task StopInstance()
    {
        _http?.Dispose();
        await _comet.RunAsync("stop", TimeSpan.FromMinutes(1));
        // Should a step have outlived its orchestrator (the defect the tests look for), it ends here: only the
        // processes this test named.
        foreach (var pid in HostProcesses.WithArgumentZero(_stepName))
            Process.Start("kill", ["-KILL", pid.ToString()])?.WaitForExit();
        _dir.Dispose();
        _repo.Dispose();
        _work.Dispose();
    }

    [Test]
    public async Task Killed_orchestrator_marks_its_running_job_lost_and_resumes_the_queued_one_after_restart()
    {
        var (http, runId) = await StartLongStepAsync();

        await KillOrchestratorAsync();
        var restart = await _comet.RunAsync("start");
        Assert.That(restart.ExitCode, Is.EqualTo(0), restart.Output);

        var run = await WaitForRunEndAsync(http, runId);
        var jobs = Jobs(run);
        Assert.Multiple(() =>
        {
            Assert.That(run.GetProperty("status").GetString(), Is.EqualTo("error"));
            Assert.That(run.GetProperty("error").GetString(), Does.Contain("restarted"));
            Assert.That(jobs["long"].GetProperty("status").GetString(), Is.EqualTo("error"));
            Assert.That(jobs["long"].GetProperty("note").GetString(), Does.Contain("orchestrator restarted"));
            Assert.That(jobs["queued"].GetProperty("status").GetString(), Is.EqualTo("success"), "the queued job must not be lost");
        });
    }

    [Test]
    public async Task A_sandboxed_step_dies_with_its_killed_orchestrator_and_the_restart_marks_its_job_error_and_removes_its_workspace()
    {
        var (http, runId) = await StartLongStepAsync();
        var longJob = Jobs(await http.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}"))["long"];
        var nodeId = File.ReadAllText(Path.Combine(_dir.Path, "node-id")).Trim();
        var jobFolder = Path.Combine(_work.Path, nodeId, Guid.Parse(longJob.GetProperty("id").GetString()!).ToString("N"));
        Assert.That(Directory.Exists(Path.Combine(jobFolder, "workspace")), Is.True, $"the running job's workspace is {jobFolder}");
        var stepPids = HostProcesses.WithArgumentZero(_stepName);

        var killed = Stopwatch.StartNew();
        await KillOrchestratorAsync();
        var survivors = stepPids;
        while (killed.Elapsed < TimeSpan.FromSeconds(5) && (survivors = HostProcesses.WithArgumentZero(_stepName)).Count > 0)
            await Task.Delay(50);
        TestContext.Out.WriteLine($"step processes {string.Join(", ", stepPids)} gone {killed.ElapsedMilliseconds} ms after the kill");
        Assert.That(survivors, Is.Empty, "the step outlived its orchestrator by more than 5 s");
        Assert.That(Directory.Exists(jobFolder), Is.True, "nobody was left to remove the workspace before the restart");

        var restart = await _comet.RunAsync("start");
        Assert.That(restart.ExitCode, Is.EqualTo(0), restart.Output);
        var run = await WaitForRunEndAsync(http, runId);
        await WaitUntil(() => !Directory.Exists(jobFolder), TimeSpan.FromSeconds(10), $"the lost job's folder {jobFolder} to be removed");

        var jobs = Jobs(run);
        Assert.Multiple(() =>
        {
            Assert.That(jobs["long"].GetProperty("status").GetString(), Is.EqualTo("error"));
            Assert.That(jobs["long"].GetProperty("note").GetString(), Does.Contain("orchestrator restarted"));
            Assert.That(Directory.EnumerateDirectories(Path.Combine(_work.Path, nodeId)), Is.Empty,
                "no job folder is left once the queued job has run too");
        });
    }

    /// <summary>
    /// Starts Comet, a project whose first job sleeps under a unique argv[0] and whose second waits behind it, and
    /// a run of it; returns once the sleep is seen running on this machine.
    /// </summary>
    private async Task<(HttpClient Http, string RunId)> StartLongStepAsync()
    {
        Git(_repo.Path, "init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(_repo.Path, ".comet.yml"), $"""
            jobs:
              long:
                steps:
                  - run: exec -a {_stepName} sleep 300
              queued:
                steps:
                  - run: echo "ran after the restart"
            """);
        Git(_repo.Path, "add", ".");
        Git(_repo.Path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "pipeline");

        var start = await _comet.RunAsync("start");
        Assert.That(start.ExitCode, Is.EqualTo(0), start.Output);
        var http = _http = await _comet.SignedInClientAsync("e2e-admin", "e2e-password");
        var created = await http.PostAsJsonAsync("/api/v1/projects", new { name = "Restart", repoUrl = "file://" + _repo.Path });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var triggered = await http.PostAsJsonAsync("/api/v1/projects/restart/runs", new { });
        Assert.That(triggered.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await triggered.Content.ReadAsStringAsync());
        var runId = (await triggered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        await WaitUntil(() => HostProcesses.WithArgumentZero(_stepName).Count > 0, TimeSpan.FromSeconds(60), $"the long step ({_stepName}) to start");
        return (http, runId);
    }

    /// <summary>SIGKILL to the orchestrator's pid alone (not its group), as a crash would end it.</summary>
    private async Task KillOrchestratorAsync()
    {
        var orchestrator = _comet.RecordedPid("orchestrator")!.Value;
        Process.Start("kill", ["-KILL", orchestrator.ToString()])!.WaitForExit();
        await WaitUntil(() => !DevScript.IsAlive(orchestrator), TimeSpan.FromSeconds(10), "the orchestrator to die");
    }

    private static async Task<JsonElement> WaitForRunEndAsync(HttpClient http, string runId)
    {
        JsonElement run = default;
        await WaitUntil(async () =>
        {
            run = await http.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");
            return run.GetProperty("status").GetString() is "error" or "success" or "failed" or "cancelled";
        }, TimeSpan.FromSeconds(60), "the run to end after the restart");
        return run;
    }

    private static Dictionary<string, JsonElement> Jobs(JsonElement run) =>
        run.GetProperty("jobs").EnumerateArray().ToDictionary(j => j.GetProperty("name").GetString()!);

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
