namespace Comet.Application.Common.Interfaces;

/// <summary>
/// The job engine's one seam, shaped like Woodpecker's backend contract (set up, start, wait, tail, destroy) but at
/// the level of a job's environment: the executor asks for an environment, checks the commit out into it, puts the
/// needed artifacts in, runs the steps one by one, reads reports and artifacts out as streams, and destroys it.
/// Everything the executor does to a workspace goes through here, so a remote worker is one more implementation.
/// </summary>
public interface IJobBackend
{
    /// <summary>The name used in <c>Runner:Backend</c> (see <c>JobBackendNames</c>).</summary>
    string Name { get; }

    /// <summary>A fresh, empty environment for one job attempt.</summary>
    Task<IJobEnvironment> SetupAsync(JobSetup setup, CancellationToken cancellationToken);

    /// <summary>
    /// At start, after a crash: ends whatever this node's lost jobs left running and removes their environments.
    /// Returns how many environments were removed.
    /// </summary>
    int RemoveLeftovers();
}

/// <param name="Network">False for <c>network: none</c>: the steps get no network but loopback.</param>
public sealed record JobSetup(Guid JobId, Guid ProjectId, string Sha, bool Network = true);

/// <summary>One job's environment. Disposing it destroys it: its processes end and its files are removed.</summary>
public interface IJobEnvironment : IJobFiles, IAsyncDisposable
{
    /// <summary>The checkout as the steps see it (<c>COMET_WORKSPACE</c>); stable for a backend, whatever the job.</summary>
    string Workspace { get; }

    /// <summary>HOME as the steps see it: tools' caches and configs stay with the job.</summary>
    string Home { get; }

    /// <summary>The job log's header: the backend, the isolation and the limits in force.</summary>
    string Description { get; }

    /// <summary>
    /// Writes a secret the job asked for as a file only the steps can read (0600), in the job's private space outside
    /// the checkout (under HOME), and returns its path as the steps see it. It goes with the environment.
    /// </summary>
    Task<string> PutSecretFileAsync(string name, string content, CancellationToken cancellationToken);

    /// <summary>The commit checked out into the workspace. Throws <see cref="GitException"/> with git's message.</summary>
    Task CheckoutAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs one step to the end, its output lines streamed to <paramref name="log"/>. Cancelling the token kills
    /// everything the step started; the outcome then says Cancelled.
    /// </summary>
    Task<StepOutcome> RunStepAsync(StepLaunch launch, IStepLogWriter log, CancellationToken cancellationToken);
}

/// <summary>Files in and out of a job's workspace, as streams: never a path the caller opens itself.</summary>
public interface IJobFiles
{
    /// <summary>Regular files matching the globs, never outside the workspace (see <see cref="IWorkspaceFiles.Find"/>).</summary>
    WorkspaceFileMatch Find(IReadOnlyList<string> globs, int maxFiles = 10_000);

    /// <summary>A file <see cref="Find"/> returned. Throws IOException or UnauthorizedAccessException when it cannot be read.</summary>
    Stream OpenRead(WorkspaceFile file);

    /// <summary>A new file at a workspace path, or null with the refusal (see <see cref="IWorkspaceFiles.TryCreate"/>).</summary>
    Stream? TryCreate(string relativePath, out string? refusal, bool executable = false);
}

/// <param name="Script">A bash script, run as <c>bash -eo pipefail -c script</c> in the workspace.</param>
/// <param name="Environment">All the variables the step sees, besides PATH and LANG.</param>
public sealed record StepLaunch(string Script, IReadOnlyDictionary<string, string> Environment, TimeSpan? Timeout);

/// <param name="ExitCode">The script's exit code; null when it was killed.</param>
public sealed record StepOutcome(int? ExitCode, bool TimedOut, bool Cancelled, TimeSpan Duration)
{
    public bool Succeeded => ExitCode == 0 && !TimedOut && !Cancelled;
}

/// <summary>The backend could not make or use a job's environment; the message is for the job's error.</summary>
public sealed class JobBackendException(string message, Exception? inner = null) : Exception(message, inner);
