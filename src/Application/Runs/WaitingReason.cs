namespace Comet.Application.Runs;

/// <summary>
/// Why a job that has not started is not running yet, in the run answer (<c>waitingReason</c>; null for a job that is
/// running or has ended). <see cref="Kind"/> is one of <see cref="WaitingKinds"/>; <see cref="Detail"/> says it in
/// words; the other members carry what that kind names.
/// </summary>
public sealed record WaitingReason(string Kind, string Detail)
{
    /// <summary>needs: the jobs it needs that have not finished yet.</summary>
    public IReadOnlyList<string>? Needs { get; init; }

    /// <summary>concurrency: the group, as the pipeline file names it, and its limit.</summary>
    public string? Group { get; init; }
    public int? Limit { get; init; }

    /// <summary>concurrency: the job holding the group (running), or the one ahead of it in the group's queue.</summary>
    public WaitingHolder? HeldBy { get; init; }

    /// <summary>runner_slot: 1 for the next job a free runner slot takes, 2 after it, and so on.</summary>
    public int? Position { get; init; }

    /// <summary>approval: approvals given and needed, by whom so far, who may give them (maintainers or developers and up), who may not, and the deadline.</summary>
    public int? ApprovalsGiven { get; init; }
    public int? ApprovalsRequired { get; init; }
    public IReadOnlyList<string>? ApprovedBy { get; init; }
    public string? Approvers { get; init; }
    public string? ExceptUser { get; init; }
    public DateTime? Deadline { get; init; }

    /// <summary>deploy_lock: the environment whose lock is held (the holder is in <see cref="HeldBy"/>).</summary>
    public string? Environment { get; init; }
}

/// <summary>A job of this project that holds (or is ahead in) a concurrency group, or holds an environment's deploy lock.</summary>
/// <param name="Status">running, or queued when it is ahead in the group's queue.</param>
public sealed record WaitingHolder(Guid RunId, long RunNumber, Guid JobId, string Job, string Status)
{
    /// <summary>The holding run's API address (filled in by <see cref="RunLinkBehaviour{TRequest,TResponse}"/>).</summary>
    public string? Url { get; init; }
}

/// <summary>The kinds of <see cref="WaitingReason"/>.</summary>
public static class WaitingKinds
{
    public const string Needs = "needs";
    public const string Concurrency = "concurrency";
    public const string RunnerSlot = "runner_slot";
    public const string Approval = "approval";
    public const string DeployLock = "deploy_lock";
}
