namespace Comet.Application.Runs.Execution;

/// <summary>Settings under "Runner": how jobs are run on this node.</summary>
public sealed class RunnerOptions
{
    public const string Section = "Runner";

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
