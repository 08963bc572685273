namespace Comet.Application.Runs.Execution;

/// <summary>Settings under "Runner": how jobs are run on this node.</summary>
public sealed class RunnerOptions
{
    public const string Section = "Runner";

    /// <summary>
    /// How steps are run: <c>sandbox</c> (bubblewrap, the default) or <c>local</c> (plain processes, for trusted
    /// single-user set-ups only). See <c>JobBackendNames</c> and docs/SECURITY.md.
    /// </summary>
    public string Backend { get; set; } = "sandbox";

    /// <summary>
    /// Where job workspaces are made, one folder per node and job. Outside the data folder on purpose: the sandbox
    /// account must reach its job's folder and nothing of the server's. Default: comet-work-{uid} in /var/tmp.
    /// </summary>
    public string? WorkDirectory { get; set; }

    /// <summary>The system account sandboxed steps run as when the server runs as root (created by dev.sh).</summary>
    public string SandboxUser { get; set; } = "comet-runner";

    /// <summary>Address space of each process of a job (RLIMIT_AS, as cgroups are not delegated here). 0: no limit.</summary>
    public long JobMemoryBytes { get; set; } = 8L * 1024 * 1024 * 1024;

    /// <summary>
    /// Processes the sandbox account may have at once (RLIMIT_NPROC). The kernel counts it per account, so it caps all
    /// sandboxed steps of this node together: a fork bomb cannot starve the server, but can starve parallel jobs. 0: no limit.
    /// </summary>
    public int SandboxMaxProcesses { get; set; } = 4096;

    /// <summary>Size of a sandboxed job's private /tmp (memory-backed).</summary>
    public long SandboxTmpBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Host folders a sandboxed step sees, read-only (the rest of the host is not there at all).</summary>
    public List<string> SandboxReadOnlyPaths { get; set; } = ["/usr", "/etc"];

    /// <summary>Jobs run at once on this node. Default: one per core.</summary>
    public int MaxParallelJobs { get; set; } = Environment.ProcessorCount;

    /// <summary>A step's log stops growing here, with a truncation line; the step keeps running.</summary>
    public long MaxLogBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Between SIGTERM and SIGKILL when a step is cancelled or times out.</summary>
    public TimeSpan KillGracePeriod { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claimed job stays this node's without a heartbeat.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the dispatcher looks for work when nothing woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Time limit of a job without its own <c>timeout</c>.</summary>
    public TimeSpan DefaultJobTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long git may take for one fetch or checkout.</summary>
    public TimeSpan GitTimeout { get; set; } = TimeSpan.FromMinutes(5);
}
