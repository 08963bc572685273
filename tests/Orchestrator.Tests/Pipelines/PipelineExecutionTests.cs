using System.Diagnostics;
using System.Net;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Pipelines;

/// <summary>How jobs run: order, matrix legs, skips, allowed failures, retries, timeouts, cancel, environment.</summary>
public sealed class PipelineExecutionTests : PipelineTestBase
{
    [Test]
    public async Task A_job_starts_after_the_job_it_needs_has_finished_and_a_job_without_needs_does_not_wait()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              first:
                steps:
                  - run: sleep 2
              second:
                needs: [first]
                steps:
                  - run: echo second
              independent:
                steps:
                  - run: echo independent
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var first = run.Job("first");
        var second = run.Job("second");
        var independent = run.Job("independent");
        var firstFinished = first.FinishedAt!.Value;
        Assert.Multiple(() =>
        {
            Assert.That(second.Needs, Is.EqualTo(new[] { "first" }));
            Assert.That(second.StartedAt, Is.GreaterThanOrEqualTo(firstFinished), "second started before first finished");
            Assert.That(independent.StartedAt, Is.LessThan(firstFinished), "a job without needs waited for another job");
        });
    }

    [Test]
    public async Task A_two_by_two_matrix_runs_four_legs_each_with_its_own_values()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              test:
                matrix:
                  OS: [linux, windows]
                  SUITE: [unit, integration]
                steps:
                  - run: echo "leg OS=$OS SUITE=$SUITE"
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        Assert.That(run.Jobs.Select(j => j.Name), Is.EquivalentTo(new[]
        {
            "test [OS=linux, SUITE=unit]", "test [OS=linux, SUITE=integration]",
            "test [OS=windows, SUITE=unit]", "test [OS=windows, SUITE=integration]",
        }));
        foreach (var (os, suite) in new[] { ("linux", "unit"), ("linux", "integration"), ("windows", "unit"), ("windows", "integration") })
        {
            var job = run.Job($"test [OS={os}, SUITE={suite}]");
            var lines = PipelineApi.LogLines(await Client.ReadLogAsync(run, job));
            Assert.That(lines, Does.Contain($"leg OS={os} SUITE={suite}"), job.Name);
        }
    }

    [Test]
    public async Task When_a_job_fails_its_dependents_and_theirs_are_skipped_with_a_note_and_the_run_fails()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              build:
                steps:
                  - run: echo compiling; exit 3
                  - run: echo never runs
              test:
                needs: [build]
                steps:
                  - run: echo test
              deploy:
                needs: [test]
                steps:
                  - run: echo deploy
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        var build = run.Job("build");
        var test = run.Job("test");
        var deploy = run.Job("deploy");
        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo("failed"), run.ToString());
            Assert.That(build.Status, Is.EqualTo("failed"));
            Assert.That(build.Steps.Select(s => (s.Status, s.ExitCode)), Is.EqualTo(new (string, int?)[] { ("failed", 3), ("skipped", null) }));
            Assert.That(test.Status, Is.EqualTo("skipped"));
            Assert.That(test.Note, Does.Contain("'build'").And.Contain("failed"));
            Assert.That(test.StartedAt, Is.Null, "a skipped job never started");
            Assert.That(deploy.Status, Is.EqualTo("skipped"));
            Assert.That(deploy.Note, Does.Contain("'test'").And.Contain("skipped"));
        });
    }

    [Test]
    public async Task A_failing_allow_failure_job_is_shown_failed_but_the_run_succeeds()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              lint:
                allow_failure: true
                steps:
                  - run: echo style problems; exit 1
              build:
                steps:
                  - run: echo build
              package:
                needs: [lint, build]
                steps:
                  - run: echo package
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
            Assert.That(run.Job("lint").Status, Is.EqualTo("failed"));
            Assert.That(run.Job("lint").AllowFailure, Is.True);
            Assert.That(run.Job("package").Status, Is.EqualTo("success"), "a job after an allowed failure still runs");
        });
    }

    [Test]
    public async Task A_job_with_retry_2_that_fails_twice_passes_on_the_third_attempt_and_every_attempt_stays_visible()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              flaky:
                retry: 2
                steps:
                  - run: |
                      echo "attempt $COMET_JOB_ATTEMPT"
                      test "$COMET_JOB_ATTEMPT" -ge 3
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var attempts = run.Attempts("flaky");
        Assert.That(attempts.Select(a => (a.Attempt, a.Status)), Is.EqualTo(new[] { (1, "failed"), (2, "failed"), (3, "success") }));
        for (var i = 0; i < attempts.Count; i++)
            Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, attempts[i])), Does.Contain($"attempt {i + 1}"),
                "each attempt keeps its own log");
    }

    [Test]
    public async Task A_job_that_keeps_failing_fails_the_run_after_its_retries_with_all_attempts_visible()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              broken:
                retry: 2
                steps:
                  - run: exit 7
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("failed"), run.ToString());
        Assert.That(run.Attempts("broken").Select(a => (a.Attempt, a.Status, a.Steps.Single().ExitCode)),
            Is.EqualTo(new (int, string, int?)[] { (1, "failed", 7), (2, "failed", 7), (3, "failed", 7) }));
    }

    [Test]
    public async Task A_step_over_its_timeout_is_killed_and_fails_its_job_within_seconds()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              slow:
                steps:
                  - name: hangs
                    timeout: 1s
                    run: sleep 30
                  - run: echo never runs
            """);
        var clock = Stopwatch.StartNew();

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        clock.Stop();
        var slow = run.Job("slow");
        Assert.Multiple(() =>
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "the step was not stopped at its timeout");
            Assert.That(run.Status, Is.EqualTo("failed"), run.ToString());
            Assert.That(slow.Status, Is.EqualTo("failed"));
            Assert.That(slow.Steps[0].Status, Is.EqualTo("failed"));
            Assert.That(slow.Steps[1].Status, Is.EqualTo("skipped"));
        });
        Assert.That(await Client.ReadLogAsync(run, slow), Does.Contain("timed out"));
    }

    [Test]
    public async Task A_job_over_its_timeout_is_killed_and_failed_with_a_note_within_seconds()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              slow:
                timeout: 2s
                steps:
                  - run: echo started
                  - run: sleep 30
                  - run: echo never runs
            """);
        var clock = Stopwatch.StartNew();

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        clock.Stop();
        var slow = run.Job("slow");
        Assert.Multiple(() =>
        {
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "the job was not stopped at its timeout");
            Assert.That(run.Status, Is.EqualTo("failed"), run.ToString());
            Assert.That(slow.Status, Is.EqualTo("failed"));
            Assert.That(slow.Note, Does.Contain("timed out"));
            Assert.That(slow.Steps.Select(s => s.Status), Is.EqualTo(new[] { "success", "failed", "skipped" }),
                "the step running at the time limit failed (nobody cancelled it) and the rest were skipped");
        });
        Assert.That(await Client.ReadLogAsync(run, slow, step: 1), Does.Contain("timed out"), "the killed step's log says why it stopped");
    }

    [Test]
    public async Task Cancelling_a_run_kills_the_step_with_its_grandchildren_within_five_seconds()
    {
        // The grandchild ignores SIGTERM (an ignored signal stays ignored across exec), so only the SIGKILL that follows ends it.
        // It is found from outside by a name of its own: inside the sandbox its pid is not the host's.
        var marker = $"comet-grandchild-{Guid.NewGuid():N}";
        var (_, project) = await ProjectWithAsync("""
            jobs:
              long:
                steps:
                  - run: |
                      bash -c 'trap "" TERM; (exec -a "$MARKER" sleep 300) & wait' &
                      wait
                  - run: echo never runs
            """);
        var started = await Client.TriggerAsync(project.Slug, variables: new Dictionary<string, string> { ["MARKER"] = marker });
        var pid = await WaitForProcessAsync(marker);
        try
        {
            await CancelAndWatchAsync(started.Id, pid);
        }
        finally
        {
            // Should the test fail, the sleep it started does not outlive it.
            if (IsRunning(pid)) System.Diagnostics.Process.GetProcessById(pid).Kill();
        }
    }

    private async Task CancelAndWatchAsync(Guid runId, int pid)
    {
        Assert.That(IsRunning(pid), Is.True, "the grandchild should be running before the cancel");

        var clock = Stopwatch.StartNew();
        using var cancel = await Client.PostAsync($"/api/v1/runs/{runId}/cancel", null);

        Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.OK), await cancel.Content.ReadAsStringAsync());
        var run = await Client.GetRunAsync(runId);
        while ((run.Status != "cancelled" || IsRunning(pid)) && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(100);
            run = await Client.GetRunAsync(runId);
        }
        Assert.Multiple(() =>
        {
            Assert.That(IsRunning(pid), Is.False, $"grandchild {pid} still runs {clock.Elapsed.TotalSeconds:0.0} s after the cancel");
            Assert.That(run.Status, Is.EqualTo("cancelled"), run.ToString());
        });
        // The executor records the killed step and the one that never ran once the process tree is gone.
        run = await Client.WaitForRunAsync(runId, r => r.Job("long").Steps.All(s => s.Status is not ("pending" or "running")), "record its steps");
        Assert.Multiple(() =>
        {
            Assert.That(run.Job("long").Status, Is.EqualTo("cancelled"));
            Assert.That(run.Job("long").Steps.Select(s => s.Status), Is.EqualTo(new[] { "cancelled", "cancelled" }));
        });
    }

    [Test]
    public async Task Cancelling_a_run_that_has_ended_is_a_409()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  quick:\n    steps:\n      - run: 'true'\n");
        var run = await Client.TriggerAndWaitAsync(project.Slug);

        using var cancel = await Client.PostAsync($"/api/v1/runs/{run.Id}/cancel", null);

        var problem = await cancel.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("already ended"));
    }

    [Test]
    public async Task Steps_see_the_comet_variables_the_pipeline_variables_and_the_run_variables_which_win()
    {
        var (repository, project) = await ProjectWithAsync("""
            variables:
              GREETING: hello from the file
              OVERRIDDEN: from the file
            jobs:
              show:
                variables:
                  JOB_LEVEL: from the job
                steps:
                  - run: |
                      for name in COMET_RUN_ID COMET_RUN_NUMBER COMET_COMMIT_SHA COMET_BRANCH COMET_TAG COMET_EVENT COMET_PROJECT \
                                  COMET_WORKSPACE CI GREETING OVERRIDDEN JOB_LEVEL FROM_RUN; do
                        echo "$name=${!name-<unset>}"
                      done
                      echo "PWD=$PWD"
                      test -f .comet.yml && echo "checked out"
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug,
            new Dictionary<string, string> { ["OVERRIDDEN"] = "from the run", ["FROM_RUN"] = "given with the run" });

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var lines = PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("show")));
        var values = lines.Where(l => l.Contains('=')).ToDictionary(l => l[..l.IndexOf('=')], l => l[(l.IndexOf('=') + 1)..]);
        Assert.Multiple(() =>
        {
            Assert.That(values["COMET_RUN_ID"], Is.EqualTo(run.Id.ToString()));
            Assert.That(values["COMET_RUN_NUMBER"], Is.EqualTo(run.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(values["COMET_COMMIT_SHA"], Is.EqualTo(repository.HeadSha));
            Assert.That(values["COMET_BRANCH"], Is.EqualTo("main"));
            Assert.That(values["COMET_TAG"], Is.Empty);
            Assert.That(values["COMET_EVENT"], Is.EqualTo("manual"));
            Assert.That(values["COMET_PROJECT"], Is.EqualTo(project.Slug));
            Assert.That(values["COMET_WORKSPACE"], Is.EqualTo(values["PWD"]), "steps start in the workspace");
            Assert.That(values["COMET_WORKSPACE"], Is.EqualTo("/workspace"), "the sandbox's stable workspace path");
            Assert.That(values["CI"], Is.EqualTo("true"));
            Assert.That(values["GREETING"], Is.EqualTo("hello from the file"));
            Assert.That(values["JOB_LEVEL"], Is.EqualTo("from the job"));
            Assert.That(values["OVERRIDDEN"], Is.EqualTo("from the run"));
            Assert.That(values["FROM_RUN"], Is.EqualTo("given with the run"));
            Assert.That(lines, Does.Contain("checked out"), "the workspace holds the repository's files");
        });
    }

    [Test]
    public async Task A_manual_run_at_an_older_commit_builds_that_commit()
    {
        var (repository, project) = await ProjectWithAsync(
            "jobs:\n  show:\n    steps:\n      - run: echo \"version=$(cat version.txt) sha=$COMET_COMMIT_SHA\"\n",
            files: new Dictionary<string, string> { ["version.txt"] = "1" });
        var older = repository.HeadSha;
        repository.Commit(new Dictionary<string, string> { ["version.txt"] = "2" }, "Version 2");

        var started = await Client.TriggerAsync(project.Slug, gitRef: "main", sha: older[..10]);
        var run = await Client.WaitForEndAsync(started.Id);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        Assert.That(run.CommitSha, Is.EqualTo(older), "a short sha is resolved to the full one");
        Assert.That(run.CommitMessage, Is.EqualTo("First commit"), "a manual run shows the message of the commit it builds");
        Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("show"))), Does.Contain($"version=1 sha={older}"));
    }

    [Test]
    public async Task Steps_do_not_see_the_orchestrators_own_environment()
    {
        const string name = "COMET_TEST_ORCHESTRATOR_SECRET";
        Environment.SetEnvironmentVariable(name, "hunter2");
        try
        {
            var (_, project) = await ProjectWithAsync($"jobs:\n  peek:\n    steps:\n      - run: echo \"value=${{{name}-<unset>}}\"\n");

            var run = await Client.TriggerAndWaitAsync(project.Slug);

            Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("peek"))), Does.Contain("value=<unset>"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [Test]
    public async Task Retrying_a_failed_run_runs_the_failed_job_as_attempt_2_and_its_skipped_dependents_again()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              build:
                steps:
                  - run: echo build
              test:
                needs: [build]
                steps:
                  - run: test "$COMET_JOB_ATTEMPT" -ge 2
              deploy:
                needs: [test]
                steps:
                  - run: echo deploy
            """);
        var failed = await Client.TriggerAndWaitAsync(project.Slug);
        Assert.That(failed.Status, Is.EqualTo("failed"), failed.ToString());
        Assert.That(failed.Job("deploy").Status, Is.EqualTo("skipped"));
        var buildBefore = failed.Job("build");

        using var retry = await Client.PostAsync($"/api/v1/runs/{failed.Id}/retry", null);

        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await retry.Content.ReadAsStringAsync());
        var run = await Client.WaitForEndAsync(failed.Id);
        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
            Assert.That(run.Attempts("test").Select(a => (a.Attempt, a.Status)), Is.EqualTo(new[] { (1, "failed"), (2, "success") }));
            Assert.That(run.Attempts("deploy").Select(a => (a.Attempt, a.Status)), Is.EqualTo(new[] { (1, "skipped"), (2, "success") }));
            Assert.That(run.Attempts("build").Select(a => (a.Id, a.Status)), Is.EqualTo(new[] { (buildBefore.Id, "success") }),
                "a job that passed is not run again");
        });
    }

    [Test]
    public async Task Retrying_a_run_that_succeeded_is_a_409()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  quick:\n    steps:\n      - run: 'true'\n");
        var run = await Client.TriggerAndWaitAsync(project.Slug);

        using var retry = await Client.PostAsync($"/api/v1/runs/{run.Id}/retry", null);

        await retry.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.That((await Client.GetRunAsync(run.Id)).Jobs, Has.Count.EqualTo(1));
    }

    private static async Task<int> WaitForProcessAsync(string marker)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < PipelineApi.RunTimeout)
        {
            if (HostProcesses.WithArgumentZero(marker).FirstOrDefault() is > 0 and var pid) return pid;
            await Task.Delay(50);
        }
        Assert.Fail($"no process named {marker} started within {PipelineApi.RunTimeout.TotalSeconds:0} s");
        return 0;
    }

    /// <summary>True while the process exists and is not a zombie (dead, waiting for a parent to reap it).</summary>
    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // "pid (comm) state …": the state follows the last ')' (comm may hold spaces and parentheses).
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }
}
