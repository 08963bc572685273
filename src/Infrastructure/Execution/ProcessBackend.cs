using System.ComponentModel;
using System.Diagnostics;
using Comet.Application.Common.Interfaces;
using Comet.Application.Pipelines;
using Comet.Application.Runs.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// Runs a step as a child process: <c>setsid bash -eo pipefail -c script</c>, given as an argument
/// list (the script is never pasted into a command line). Cancel and timeout end the whole process
/// group: SIGTERM, then SIGKILL after the grace period.
/// </summary>
public sealed class ProcessBackend(IOptions<RunnerOptions> options, ILogger<ProcessBackend> logger) : IStepBackend
{
    public async Task<StepOutcome> RunAsync(StepLaunch launch, IStepLogWriter log, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var process = new Process { StartInfo = CreateStartInfo(launch) };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            await log.WriteLineAsync($"[comet] could not start the step: {ex.Message}");
            return new StepOutcome(127, false, false, Stopwatch.GetElapsedTime(started));
        }
        process.StandardInput.Close(); // a step never waits for a keyboard

        var pid = process.Id;
        var stdout = LineReader.PumpAsync(process.StandardOutput, log.WriteLineAsync);
        var stderr = LineReader.PumpAsync(process.StandardError, log.WriteLineAsync);

        using var timeout = launch.Timeout is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var killed = false;
        try
        {
            await process.WaitForExitAsync(stop.Token);
        }
        catch (OperationCanceledException)
        {
            killed = true;
            await StopGroupAsync(process, pid);
        }

        // Background children may still hold the output pipes open; a step's leftovers do not outlive it.
        if (ProcessGroup.IsAlive(pid)) ProcessGroup.Kill(pid);
        await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));

        var duration = Stopwatch.GetElapsedTime(started);
        if (!killed) return new StepOutcome(process.ExitCode, false, false, duration);
        var timedOut = timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested;
        await log.WriteLineAsync(timedOut
            ? $"[comet] step timed out after {DurationParser.Format(launch.Timeout!.Value)}; its processes were killed"
            : "[comet] step cancelled; its processes were killed");
        return new StepOutcome(null, timedOut, !timedOut, duration);
    }

    private async Task StopGroupAsync(Process process, int pid)
    {
        var escaped = ProcessGroup.DescendantsOutsideGroup(pid);
        ProcessGroup.Terminate(pid);
        foreach (var child in escaped) ProcessGroup.TerminateProcess(child);
        using var grace = new CancellationTokenSource(options.Value.KillGracePeriod);
        try
        {
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            logger.LogInformation("Step process {Pid} ignored SIGTERM; killing its group", pid);
        }
        ProcessGroup.Kill(pid);
        foreach (var child in escaped) ProcessGroup.KillProcess(child);
        await process.WaitForExitAsync(CancellationToken.None);
    }

    private static ProcessStartInfo CreateStartInfo(StepLaunch launch)
    {
        var info = new ProcessStartInfo("env")
        {
            WorkingDirectory = launch.WorkingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--default-signal=PIPE", "setsid", "bash", "-eo", "pipefail", "-c", launch.Script })
            info.ArgumentList.Add(argument);

        // The step sees only what it is given plus a few basics: never the orchestrator's own
        // environment, which holds its database password.
        info.Environment.Clear();
        foreach (var name in new[] { "PATH", "LANG", "TZ", "DOTNET_ROOT" })
            if (Environment.GetEnvironmentVariable(name) is { } value) info.Environment[name] = value;
        info.Environment.TryAdd("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        info.Environment.TryAdd("LANG", "C.UTF-8");
        foreach (var (name, value) in launch.Environment) info.Environment[name] = value;
        return info;
    }
}
