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
/// log. The command starts with <c>env --default-signal=PIPE</c>, so a writer into a closed pipe ends as it would in a
/// terminal (.NET ignores SIGPIPE, and children inherit that). Its environment is the job's variables with a PATH and
/// LANG, and of the orchestrator's (which holds its database password) only what a backend names (<see
/// cref="ChildEnvironment"/>). Cancel and timeout stop the whole tree: SIGTERM, then SIGKILL after the grace period.
/// </summary>
internal sealed class StepProcess(TimeSpan killGracePeriod, ILogger logger)
{
    private static readonly TimeSpan LeaderCheck = TimeSpan.FromMilliseconds(100);

    /// <param name="command">The program and arguments to run after <c>env --default-signal=PIPE</c>.</param>
    /// <param name="variables">The job's variables: with PATH and LANG, all the step sees of an environment.</param>
    /// <param name="keepFromServer">Names whose value the step takes from the server's environment (PATH, TZ…).</param>
    /// <param name="shape">How the step's processes are held together, and so how they are stopped.</param>
    /// <param name="userName">The account to run as (set in the child before exec); null: the server's own.</param>
    public async Task<StepOutcome> RunAsync(IReadOnlyList<string> command, string workingDirectory, IReadOnlyDictionary<string, string> variables,
        IReadOnlySet<string> keepFromServer, TimeSpan? timeout, IStepLogWriter log, StepShape shape, string? userName, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        IEnumerable<string> prefix = shape == StepShape.ProcessGroup ? ["--default-signal=PIPE", "setsid"] : ["--default-signal=PIPE"];
        var cli = Cli.Wrap("env")
            .WithArguments([.. prefix, .. command])
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironmentVariables(ChildEnvironment.Of(Environment.GetEnvironmentVariables(), keepFromServer, Basics, variables))
            .WithStandardInputPipe(PipeSource.Null) // a step never waits for a keyboard
            .WithStandardOutputPipe(ToLog(log))
            .WithStandardErrorPipe(ToLog(log))
            .WithValidation(CommandResultValidation.None);
        if (userName is not null) cli = cli.WithCredentials(c => c.SetUserName(userName));

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
            await StopTreeAsync(running, pid, shape);
        }

        // Background children may still hold the output pipes open; a step's leftovers do not outlive it. (In a
        // sandbox the step's pid namespace ended with it, and every process in it.)
        if (shape == StepShape.ProcessGroup && ProcessGroup.IsAlive(pid)) ProcessGroup.Kill(pid);
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

    private async Task StopTreeAsync(CommandTask<CommandResult> running, int pid, StepShape shape)
    {
        if (shape == StepShape.ProcessGroup)
        {
            var escaped = ProcessGroup.DescendantsOutsideGroup(pid);
            ProcessGroup.Terminate(pid);
            foreach (var child in escaped) ProcessGroup.TerminateProcess(child);
            if (await WithinAsync(running, killGracePeriod) is null)
                logger.LogInformation("Step process {Pid} ignored SIGTERM; killing its group", pid);
            ProcessGroup.Kill(pid);
            foreach (var child in escaped) ProcessGroup.KillProcess(child);
            return;
        }
        // The wrapper's descendants are the step's processes: they get SIGTERM and the grace period; the wrapper
        // itself goes last, and its pid namespace with it.
        foreach (var child in ProcessGroup.Descendants(pid)) ProcessGroup.TerminateProcess(child);
        if (await WithinAsync(running, killGracePeriod) is null)
            logger.LogInformation("Sandboxed step {Pid} ignored SIGTERM; killing its sandbox", pid);
        ProcessGroup.KillProcess(pid);
    }

    /// <summary>CliWrap's result, or null when the process (and its output) did not end within <paramref name="wait"/>.</summary>
    private static async Task<CommandResult?> WithinAsync(CommandTask<CommandResult> running, TimeSpan wait)
    {
        Task task = running;
        if (await Task.WhenAny(task, Task.Delay(wait)) != task) return null;
        return await running;
    }

    /// <summary>What a step has besides its job's variables when the server keeps none of its own for it.</summary>
    private static readonly KeyValuePair<string, string>[] Basics =
        [new("PATH", ChildEnvironment.DefaultPath), new("LANG", "C.UTF-8")];

    private static PipeTarget ToLog(IStepLogWriter log) =>
        PipeTarget.Create((stream, _) => LineReader.PumpAsync(new StreamReader(stream, Encoding.UTF8), log.WriteLineAsync, log.WriteLinePieceAsync));
}

/// <summary>How a step's processes are held together, which says how they are stopped.</summary>
internal enum StepShape
{
    /// <summary>The step's shell leads a process group of its own (<c>setsid</c>); the group is signalled.</summary>
    ProcessGroup,

    /// <summary>
    /// A wrapper (bwrap) whose death ends every process of the step at once (a pid namespace): its descendants are
    /// asked to stop, then the wrapper is killed.
    /// </summary>
    Sandbox,
}
