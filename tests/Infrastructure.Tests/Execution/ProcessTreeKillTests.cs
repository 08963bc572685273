using System.Diagnostics;

namespace Comet.Infrastructure.Tests.Execution;

/// <summary>Timeouts, cancellation and leftovers end the step's whole process tree: real processes, checked in /proc.</summary>
public sealed class ProcessTreeKillTests
{
    private static readonly TimeSpan DeathDeadline = TimeSpan.FromSeconds(5);
    private StepHarness _step = null!;

    [SetUp]
    public void CreateHarness() => _step = new StepHarness();

    [TearDown]
    public void DeleteHarness() => _step.Dispose();

    [Test]
    public async Task A_step_over_its_timeout_is_killed_and_reported_as_timed_out()
    {
        var result = await _step.RunAsync("echo started; sleep 30; echo never", timeout: TimeSpan.FromSeconds(1));
        TestContext.Out.WriteLine($"timed-out step returned after {result.Elapsed.TotalMilliseconds:0} ms");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.TimedOut, Is.True);
            Assert.That(result.Outcome.Cancelled, Is.False);
            Assert.That(result.Outcome.ExitCode, Is.Null);
            Assert.That(result.Outcome.Succeeded, Is.False);
            Assert.That(result.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1)).And.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(result.Lines[0], Is.EqualTo("started"));
            Assert.That(result.Lines, Does.Not.Contain("never"));
            Assert.That(result.Lines[^1], Does.Contain("timed out"));
        });
    }

    [Test]
    public async Task Cancelling_a_step_kills_its_children_grandchildren_and_background_jobs()
    {
        const string script = """
            echo $$ > shell.pid
            bash -c 'sleep 300 & echo $! > grandchild.pid; wait' &
            echo $! > child.pid
            sleep 300 &
            echo $! > background.pid
            (sleep 300; echo never) &
            echo $! > subshell.pid
            wait
            """;
        using var cancel = new CancellationTokenSource();
        var run = _step.RunAsync(script, cancellationToken: cancel.Token);

        var pids = new[]
        {
            await _step.WaitForPidFileAsync("shell.pid"),
            await _step.WaitForPidFileAsync("child.pid"),
            await _step.WaitForPidFileAsync("grandchild.pid"),
            await _step.WaitForPidFileAsync("background.pid"),
            await _step.WaitForPidFileAsync("subshell.pid"),
        };
        Assert.That(pids.Where(LiveProcesses.IsRunning), Is.EquivalentTo(pids), "every process of the tree runs before the cancel");

        var clock = Stopwatch.StartNew();
        cancel.Cancel();
        var result = await run.WaitAsync(DeathDeadline);
        var returned = clock.Elapsed;
        var survivors = await LiveProcesses.StillRunningAfterAsync(DeathDeadline - clock.Elapsed, pids);
        TestContext.Out.WriteLine($"cancel: RunAsync returned after {returned.TotalMilliseconds:0} ms, all {pids.Length} processes dead after {clock.Elapsed.TotalMilliseconds:0} ms");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.Cancelled, Is.True);
            Assert.That(result.Outcome.TimedOut, Is.False);
            Assert.That(result.Outcome.ExitCode, Is.Null);
            Assert.That(survivors, Is.Empty, "processes of the cancelled step still running");
            Assert.That(result.Lines, Does.Not.Contain("never"));
            Assert.That(result.Lines[^1], Does.Contain("cancelled"));
        });
    }

    [Test]
    public async Task A_step_that_ignores_sigterm_is_killed_after_the_grace_period()
    {
        const string script = """
            trap '' TERM
            echo $$ > shell.pid
            sleep 300 &
            echo $! > sleep.pid
            wait
            """;
        using var cancel = new CancellationTokenSource();
        var run = _step.RunAsync(script, cancellationToken: cancel.Token);
        var pids = new[] { await _step.WaitForPidFileAsync("shell.pid"), await _step.WaitForPidFileAsync("sleep.pid") };

        var clock = Stopwatch.StartNew();
        cancel.Cancel();
        var result = await run.WaitAsync(DeathDeadline);
        var returned = clock.Elapsed;
        var survivors = await LiveProcesses.StillRunningAfterAsync(DeathDeadline - clock.Elapsed, pids);
        TestContext.Out.WriteLine($"SIGTERM ignored: RunAsync returned after {returned.TotalMilliseconds:0} ms (grace {_step.Runner.KillGracePeriod.TotalMilliseconds:0} ms)");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.Cancelled, Is.True);
            Assert.That(survivors, Is.Empty, "processes that ignored SIGTERM still running");
            // Proves SIGTERM really was ignored and SIGKILL did the work, so this test covers the second signal.
            Assert.That(returned, Is.GreaterThanOrEqualTo(_step.Runner.KillGracePeriod - TimeSpan.FromMilliseconds(50)));
        });
    }

    [Test]
    public async Task A_timed_out_step_that_ignores_sigterm_is_killed_too()
    {
        var result = await _step.RunAsync("trap '' TERM; sleep 300 & echo $! > sleep.pid; wait", timeout: TimeSpan.FromSeconds(1));
        var sleepPid = await _step.WaitForPidFileAsync("sleep.pid");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.TimedOut, Is.True);
            Assert.That(result.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        });
        Assert.That(await LiveProcesses.StillRunningAfterAsync(TimeSpan.FromSeconds(2), sleepPid), Is.Empty);
    }

    [Test]
    public async Task Cancelling_a_step_kills_a_child_that_started_its_own_session()
    {
        using var cancel = new CancellationTokenSource();
        var run = _step.RunAsync("setsid sleep 300 > /dev/null 2>&1 < /dev/null &\necho $! > escaped.pid\nwait", cancellationToken: cancel.Token);
        var escaped = await _step.WaitForPidFileAsync("escaped.pid");
        try
        {
            await Task.Delay(200); // setsid has run by then: the sleep leads a session of its own
            cancel.Cancel();
            var result = await run.WaitAsync(DeathDeadline);

            Assert.That(result.Outcome.Cancelled, Is.True);
            Assert.That(await LiveProcesses.StillRunningAfterAsync(TimeSpan.FromSeconds(2), escaped), Is.Empty, "the child in its own session still runs");
        }
        finally
        {
            if (LiveProcesses.IsRunning(escaped))
            {
                using var survivor = Process.GetProcessById(escaped);
                survivor.Kill();
            }
        }
    }

    [Test]
    public async Task Background_leftovers_of_a_successful_step_neither_keep_it_waiting_nor_outlive_it()
    {
        var result = await _step.RunAsync("sleep 300 &\necho $! > leftover.pid\necho done");
        var leftover = await _step.WaitForPidFileAsync("leftover.pid");
        TestContext.Out.WriteLine($"step with a background leftover returned after {result.Elapsed.TotalMilliseconds:0} ms");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.Succeeded, Is.True);
            Assert.That(result.Lines, Is.EqualTo(new[] { "done" }));
            // The backend waits at most 5 s for pipes held by leftovers; killing them makes it immediate.
            Assert.That(result.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
        });
        Assert.That(await LiveProcesses.StillRunningAfterAsync(TimeSpan.FromSeconds(2), leftover), Is.Empty, "the leftover sleep still runs");
    }
}
