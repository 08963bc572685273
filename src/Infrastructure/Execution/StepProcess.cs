using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using CliWrap;
using Comet.Application.Common.Interfaces;
using Comet.Application.Pipelines;
using Microsoft.Extensions.Logging;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// Runs one step's command line through CliWrap and streams its output, a bounded line at a time, into the step's
/// log. The command starts with <c>env --default-signal=PIPE setsid</c>, so the step leads a process group of its own
/// and a writer into a closed pipe ends as it would in a terminal (.NET ignores SIGPIPE, and children inherit that).
/// Its environment is exactly the one given: nothing of the orchestrator's (its database password) is inherited.
/// Cancel and timeout stop the whole tree: SIGTERM, then SIGKILL after the grace period.
/// </summary>
internal sealed class StepProcess(TimeSpan killGracePeriod, ILogger logger)
{
    private static readonly string[] Prefix = ["--default-signal=PIPE", "setsid"];
    private static readonly TimeSpan LeaderCheck = TimeSpan.FromMilliseconds(100);

    /// <param name="command">The program and arguments to run after <c>env --default-signal=PIPE setsid</c>.</param>
    /// <param name="leaderIsTheStep">
    /// True when the group leader is the step's own shell (it gets SIGTERM first, with its group). False when it is a
    /// wrapper whose death ends the step at once (bwrap): its descendants get SIGTERM and the grace period, it gets
    /// SIGKILL last.
    /// </param>
    /// <param name="started">Told the leader's pid as soon as it runs (leftovers are found by it after a crash).</param>
    public async Task<StepOutcome> RunAsync(IReadOnlyList<string> command, string workingDirectory, IReadOnlyDictionary<string, string> environment,
        TimeSpan? timeout, IStepLogWriter log, bool leaderIsTheStep, Action<int>? started, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var cli = Cli.Wrap("env")
            .WithArguments([.. Prefix, .. command])
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironmentVariables(ExactEnvironment(environment))
            .WithStandardInputPipe(PipeSource.Null) // a step never waits for a keyboard
            .WithStandardOutputPipe(ToLog(log))
            .WithStandardErrorPipe(ToLog(log))
            .WithValidation(CommandResultValidation.None);

        CommandTask<CommandResult> running;
        try
        {
            running = await LauncherThread.Run(() => cli.ExecuteAsync(CancellationToken.None));
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException or DirectoryNotFoundException)
        {
            await log.WriteLineAsync($"[comet] could not start the step: {ex.Message}");
            return new StepOutcome(127, false, false, clock.Elapsed);
        }
        var pid = running.ProcessId;
        started?.Invoke(pid);

        using var limit = timeout is { } span ? new CancellationTokenSource(span) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        var killed = false;
        try
        {
            await WaitForLeaderAsync(running, pid, stop.Token);
        }
        catch (OperationCanceledException)
        {
            killed = true;
            await StopTreeAsync(running, pid, leaderIsTheStep);
        }

        // Background children may still hold the output pipes open; a step's leftovers do not outlive it.
        if (ProcessGroup.IsAlive(pid)) ProcessGroup.Kill(pid);
        var result = await WithinAsync(running, TimeSpan.FromSeconds(5));

        if (!killed)
        {
            if (result is null) logger.LogWarning("Step process {Pid} ended but its output did not close within 5 s", pid);
            return new StepOutcome(result?.ExitCode ?? 137, false, false, clock.Elapsed);
        }
        var timedOut = limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
        await log.WriteLineAsync(timedOut
            ? $"[comet] step timed out after {DurationParser.Format(timeout!.Value)}; its processes were killed"
            : "[comet] step cancelled; its processes were killed");
        return new StepOutcome(null, timedOut, !timedOut, clock.Elapsed);
    }

    /// <summary>
    /// Waits until the group leader has exited. Usually the output closes with it and CliWrap's task ends; when a
    /// background child keeps the output open, the leader's end is seen by polling, and the caller ends the rest.
    /// </summary>
    private static async Task WaitForLeaderAsync(CommandTask<CommandResult> running, int pid, CancellationToken cancellationToken)
    {
        Task task = running;
        while (true)
        {
            var beat = Task.Delay(LeaderCheck, cancellationToken);
            if (await Task.WhenAny(task, beat) == task) return;
            cancellationToken.ThrowIfCancellationRequested();
            if (!ProcessGroup.IsProcessAlive(pid)) return;
        }
    }

    private async Task StopTreeAsync(CommandTask<CommandResult> running, int pid, bool leaderIsTheStep)
    {
        var escaped = ProcessGroup.DescendantsOutsideGroup(pid);
        if (leaderIsTheStep) ProcessGroup.Terminate(pid);
        foreach (var child in escaped) ProcessGroup.TerminateProcess(child);
        if (await WithinAsync(running, killGracePeriod) is null)
            logger.LogInformation("Step process {Pid} ignored SIGTERM; killing its group", pid);
        ProcessGroup.Kill(pid);
        foreach (var child in escaped) ProcessGroup.KillProcess(child);
    }

    /// <summary>CliWrap's result, or null when the process (and its output) did not end within <paramref name="wait"/>.</summary>
    private static async Task<CommandResult?> WithinAsync(CommandTask<CommandResult> running, TimeSpan wait)
    {
        Task task = running;
        if (await Task.WhenAny(task, Task.Delay(wait)) != task) return null;
        return await running;
    }

    /// <summary>
    /// CliWrap adds to the inherited environment; to give the step exactly <paramref name="wanted"/>, every inherited
    /// variable is removed (null) and the wanted ones set.
    /// </summary>
    internal static IReadOnlyDictionary<string, string?> ExactEnvironment(IReadOnlyDictionary<string, string> wanted)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>()) result[name] = null;
        foreach (var (name, value) in wanted) result[name] = value;
        return result;
    }

    /// <summary>
    /// The job's variables over a few basics: PATH and LANG, and from the server only the names in
    /// <paramref name="fromServer"/> (never its whole environment, which holds its database password).
    /// </summary>
    internal static Dictionary<string, string> WithBasics(IReadOnlyDictionary<string, string> job, params string[] fromServer)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in fromServer)
            if (Environment.GetEnvironmentVariable(name) is { } value) result[name] = value;
        result.TryAdd("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        result.TryAdd("LANG", "C.UTF-8");
        foreach (var (name, value) in job) result[name] = value;
        return result;
    }

    private static PipeTarget ToLog(IStepLogWriter log) =>
        PipeTarget.Create((stream, _) => LineReader.PumpAsync(new StreamReader(stream, Encoding.UTF8), log.WriteLineAsync));
}
