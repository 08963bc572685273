using System.Diagnostics;
using Comet.Application.Runs.Execution;

namespace Comet.Infrastructure.Tests.Execution;

/// <summary>A step's log stops at the cap with a marker line; the step runs on and memory stays bounded.</summary>
public sealed class StepLogCapTests
{
    private const long OneMegabyte = 1024 * 1024;

    // Room for the truncation marker (a timestamp and about a hundred characters).
    private const long MarkerAllowance = 512;

    [Test]
    public async Task A_step_printing_past_the_cap_completes_and_its_log_ends_with_a_truncation_line()
    {
        using var step = new StepHarness(new RunnerOptions { MaxLogBytes = OneMegabyte });

        // Process substitution rather than a pipe: `yes` fails when head stops reading, which pipefail would report.
        var result = await step.RunAsync("head -c 5000000 < <(yes 'a line of output for the log cap test' 2>/dev/null); touch ran-to-the-end");

        var last = File.ReadLines(result.LogPath).Last();
        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.Succeeded, Is.True, $"exit {result.Outcome.ExitCode}");
            Assert.That(File.Exists(Path.Combine(step.WorkDir, "ran-to-the-end")), Is.True, "the step keeps running after the cap");
            Assert.That(result.Truncated, Is.True);
            Assert.That(result.LogBytes, Is.InRange(OneMegabyte - 200, OneMegabyte + MarkerAllowance));
            Assert.That(last, Does.Contain("log truncated"));
            Assert.That(result.Lines.Count(l => l.Contains("log truncated")), Is.EqualTo(1));
            Assert.That(result.Lines.Take(result.Lines.Count - 1), Has.All.EqualTo("a line of output for the log cap test"));
        });
    }

    [Test]
    public async Task A_step_under_the_cap_is_not_truncated()
    {
        using var step = new StepHarness(new RunnerOptions { MaxLogBytes = OneMegabyte });

        const string line = "a line of output under the cap";
        var result = await step.RunAsync($"head -c 500000 < <(yes '{line}' 2>/dev/null)");

        // 500,000 bytes are 16,129 whole lines of 31 bytes and a last piece "a" without a newline.
        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.Succeeded, Is.True);
            Assert.That(result.Truncated, Is.False);
            Assert.That(result.Lines, Is.EqualTo(Enumerable.Repeat(line, 16129).Append("a")));
        });
    }

    [Test, Category("Slow"), NonParallelizable]
    public async Task A_500_megabyte_step_output_keeps_memory_bounded_and_the_log_at_the_default_cap()
    {
        using var step = new StepHarness(new RunnerOptions());
        var cap = step.Runner.MaxLogBytes;
        Assert.That(cap, Is.EqualTo(50 * OneMegabyte), "the default cap this test is about");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        using var self = Process.GetCurrentProcess();
        var workingSetBefore = self.WorkingSet64;

        long peakHeap = heapBefore, peakWorkingSet = workingSetBefore, peakAfterGc = 0;
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false));
                peakAfterGc = Math.Max(peakAfterGc, GC.GetGCMemoryInfo().HeapSizeBytes);
                self.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, self.WorkingSet64);
                try { await Task.Delay(100, stopSampling.Token); } catch (OperationCanceledException) { }
            }
        });

        StepResult result;
        try
        {
            result = await step.RunAsync(
                "head -c 500000000 < <(yes 'some log line of about sixty characters, repeated many times' 2>/dev/null)",
                // A guard against a hang, not a speed target (speed lives in bench/): the step must end by itself.
                timeout: TimeSpan.FromMinutes(3));
        }
        finally
        {
            await stopSampling.CancelAsync();
            await sampler;
        }

        const double mb = 1024 * 1024;
        TestContext.Out.WriteLine(
            $"500 MB of output in {result.Elapsed.TotalSeconds:0.0} s ({500_000_000 / mb / result.Elapsed.TotalSeconds:0} MB/s); " +
            $"managed heap {heapBefore / mb:0.0} MB before, peak {peakHeap / mb:0.0} MB (+{(peakHeap - heapBefore) / mb:0.0} MB), " +
            $"largest heap left by a collection {peakAfterGc / mb:0.0} MB; " +
            $"working set {workingSetBefore / mb:0.0} MB before, peak {peakWorkingSet / mb:0.0} MB (+{(peakWorkingSet - workingSetBefore) / mb:0.0} MB); " +
            $"log {result.LogBytes / mb:0.00} MB");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.Succeeded, Is.True, $"exit {result.Outcome.ExitCode}, timed out {result.Outcome.TimedOut}");
            Assert.That(result.Truncated, Is.True);
            Assert.That(result.LogBytes, Is.InRange(cap - 200, cap + MarkerAllowance));
            Assert.That(File.ReadLines(result.LogPath).Last(), Does.Contain("log truncated"));
            Assert.That(peakHeap - heapBefore, Is.LessThan(100 * OneMegabyte), "managed heap growth while streaming 500 MB");
            // Generous: the working set also holds native buffers and JIT code; holding the output would add gigabytes.
            Assert.That(peakWorkingSet - workingSetBefore, Is.LessThan(300 * OneMegabyte), "working set growth while streaming 500 MB");
        });
    }
}
