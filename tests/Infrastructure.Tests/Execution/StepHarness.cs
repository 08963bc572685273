using System.Diagnostics;
using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Comet.Infrastructure.Configuration;
using Comet.Infrastructure.Execution;
using Comet.Infrastructure.Logs;
using Comet.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Tests.Execution;

/// <summary>
/// The real process backend writing into the real file log store, both under a fresh temp folder:
/// <c>work/</c> is the step's working directory, <c>data/</c> the data folder holding the logs.
/// </summary>
internal sealed class StepHarness : IDisposable
{
    private static readonly IReadOnlyDictionary<string, string> NoVariables = new Dictionary<string, string>();
    private readonly TempDirectory _temp = new("comet-step");

    public StepHarness(RunnerOptions? runner = null)
    {
        Runner = runner ?? new RunnerOptions { KillGracePeriod = TimeSpan.FromMilliseconds(500) };
        WorkDir = Path.Combine(_temp.Path, "work");
        Directory.CreateDirectory(WorkDir);
        var comet = new CometOptions { DataDir = Path.Combine(_temp.Path, "data") };
        Logs = new FileStepLogStore(Options.Create(comet), Options.Create(Runner));
        Backend = new ProcessBackend(Options.Create(Runner), NullLogger<ProcessBackend>.Instance);
    }

    public RunnerOptions Runner { get; }

    public string WorkDir { get; }

    public FileStepLogStore Logs { get; }

    public ProcessBackend Backend { get; }

    public async Task<StepResult> RunAsync(
        string script,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var runId = Guid.NewGuid();
        var jobId = Guid.NewGuid();
        var clock = Stopwatch.StartNew();
        StepOutcome outcome;
        bool truncated;
        var writer = Logs.OpenWriter(runId, jobId, 0);
        await using (writer)
        {
            outcome = await Backend.RunAsync(new StepLaunch(script, WorkDir, environment ?? NoVariables, timeout), writer, cancellationToken);
            truncated = writer.Truncated;
        }
        return new StepResult(outcome, Logs.PathOf(runId, jobId, 0), truncated, clock.Elapsed);
    }

    /// <summary>Reads a pid the step wrote into a file of its working directory, waiting until it is there.</summary>
    public async Task<int> WaitForPidFileAsync(string name)
    {
        var path = Path.Combine(WorkDir, name);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), out var pid)) return pid;
            await Task.Delay(20);
        }
        throw new TimeoutException($"the step did not write {name} within 10 s");
    }

    public void Dispose() => _temp.Dispose();
}

internal sealed record StepResult(StepOutcome Outcome, string LogPath, bool Truncated, TimeSpan Elapsed)
{
    /// <summary>The log's lines without their timestamps, split at '\n' only so that a stray '\r' would show.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            var text = File.ReadAllText(LogPath);
            if (text.Length == 0) return [];
            if (!text.EndsWith('\n')) throw new AssertionException("the log's last line has no newline");
            return text[..^1].Split('\n').Select(WithoutTimestamp).ToList();
        }
    }

    public long LogBytes => new FileInfo(LogPath).Length;

    private static string WithoutTimestamp(string line)
    {
        var space = line.IndexOf(' ');
        return space < 0 ? line : line[(space + 1)..];
    }
}
