namespace Comet.Application.Common.Interfaces;

/// <summary>
/// Runs one step of a job (Woodpecker's backend contract, cut down to what a process needs). The
/// process backend runs it as a child process; a sandbox backend can wrap the same in bubblewrap.
/// </summary>
public interface IStepBackend
{
    /// <summary>
    /// Runs <paramref name="launch"/> to the end, writing its output lines to <paramref name="log"/>.
    /// Cancelling the token kills the step's whole process tree; the outcome then says Cancelled.
    /// </summary>
    Task<StepOutcome> RunAsync(StepLaunch launch, IStepLogWriter log, CancellationToken cancellationToken);
}

/// <param name="Script">A bash script, run as <c>bash -eo pipefail -c script</c>.</param>
public sealed record StepLaunch(string Script, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment, TimeSpan? Timeout);

/// <param name="ExitCode">The script's exit code; null when it was killed.</param>
public sealed record StepOutcome(int? ExitCode, bool TimedOut, bool Cancelled, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut && !Cancelled;
}
