namespace Comet.Domain.Runs;

/// <summary>One execution of a project's pipeline for one commit.</summary>
public sealed class PipelineRun
{
    private readonly List<Job> _jobs = [];

    private PipelineRun() { }

    public PipelineRun(Guid projectId, long number, string trigger, string gitRef, string? sha, DateTime now)
    {
        Id = Guid.CreateVersion7();
        ProjectId = projectId;
        Number = number;
        Event = trigger;
        Ref = gitRef;
        Sha = sha;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid ProjectId { get; private set; }

    /// <summary>1, 2, 3… within the project, for people ("run #42").</summary>
    public long Number { get; private set; }
    public RunStatus Status { get; private set; } = RunStatus.Pending;

    /// <summary>push, pull_request, tag, manual or cron.</summary>
    public string Event { get; private set; } = "manual";
    public string Ref { get; private set; } = "";
    public string? Sha { get; private set; }
    public string? Branch { get; private set; }
    public string? Tag { get; private set; }
    public string? CommitMessage { get; private set; }

    /// <summary>
    /// A pull request whose head is in another repository (a fork): its code was written by whoever opened it, so its
    /// jobs get no secrets unless a secret allows forks.
    /// </summary>
    public bool FromFork { get; private set; }

    /// <summary>
    /// Who caused the run, as far as Comet knows: the user of a manual run, or the forge login that pushed or opened
    /// the pull request. Null for a cron run (its schedule says where it came from) and for runs made before it was kept.
    /// </summary>
    public string? TriggeredBy { get; private set; }

    /// <summary>
    /// The name of the built commit's author, as the push payload says it or, when the payload does not (manual, cron
    /// and pull request runs), as the repository does. Null for runs made before it was kept.
    /// </summary>
    public string? CommitAuthor { get; private set; }

    /// <summary>Variables given with a manual run; they override the pipeline file's.</summary>
    public Dictionary<string, string> Variables { get; private set; } = [];

    /// <summary>
    /// The schedule whose slot made this cron run, and its name at the time: the schedule may be renamed or deleted
    /// since, and the run should still say where it came from.
    /// </summary>
    public Guid? ScheduleId { get; private set; }
    public string? ScheduleName { get; private set; }

    /// <summary>Why the run ended in <see cref="RunStatus.Error"/>.</summary>
    public string? Error { get; private set; }

    /// <summary>Why Comet cancelled the run by itself (a newer push superseded it); null when a person cancelled it.</summary>
    public string? CancelReason { get; private set; }
    /// <summary>
    /// The W3C trace context (a <c>traceparent</c> value) of the request that made the run, a webhook delivery or a
    /// manual trigger, so its jobs' spans join that trace however much later they run. Null when none was known.
    /// </summary>
    public string? TraceParent { get; private set; }

    public DateTime CreatedAt { get; private set; }
    public DateTime? StartedAt { get; private set; }
    public DateTime? FinishedAt { get; private set; }
    /// <summary>Every attempt of every job.</summary>
    public IReadOnlyList<Job> Jobs => _jobs;

    /// <summary>The latest attempt of each job: what the run's status and the DAG look at.</summary>
    public IReadOnlyList<Job> CurrentJobs =>
        _jobs.GroupBy(j => j.Name).Select(g => g.MaxBy(j => j.Attempt)!).ToList();

    public void Describe(string? branch, string? tag, string? commitMessage, IReadOnlyDictionary<string, string>? variables)
    {
        Branch = branch;
        Tag = tag;
        CommitMessage = commitMessage;
        Variables = variables is null ? [] : new Dictionary<string, string>(variables);
    }

    public void MadeBySchedule(Guid scheduleId, string scheduleName)
    {
        ScheduleId = scheduleId;
        ScheduleName = scheduleName;
    }

    public void MarkFromFork() => FromFork = true;

    public void CausedBy(string? who) => TriggeredBy = Capped(who, MaxTriggeredByLength);

    public void AuthoredBy(string? name) => CommitAuthor = Capped(name, MaxCommitAuthorLength);

    public const int MaxTriggeredByLength = 200;
    public const int MaxCommitAuthorLength = 200;

    /// <summary>A name from outside (a forge payload, a commit) is kept, cut to its column, or dropped when blank.</summary>
    private static string? Capped(string? value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Length <= maxLength ? value : value[..maxLength];

    /// <summary>Version 00 of <c>traceparent</c> is 55 characters; room is kept for a later version's few more.</summary>
    public const int MaxTraceParentLength = 128;

    /// <summary>Keeps the trace context the run was made in; one that does not fit is not kept (the run starts a trace of its own).</summary>
    public void KeepTraceContext(string? traceParent) =>
        TraceParent = string.IsNullOrWhiteSpace(traceParent) || traceParent.Length > MaxTraceParentLength ? null : traceParent;

    /// <summary>Another run took this number while this one was being set up (not yet saved): take the next free one.</summary>
    public void Renumber(long number)
    {
        if (number < 1) throw new ArgumentOutOfRangeException(nameof(number), "Run numbers start at 1.");
        Number = number;
    }

    /// <summary>The commit a branch or tag pointed at when the run was set up.</summary>
    public void ResolveSha(string sha) => Sha = sha;

    /// <summary>The commit's message as the repository holds it, for a run whose event carried none.</summary>
    public void ResolveCommitMessage(string message) => CommitMessage = message;

    public Job AddJob(string name, IReadOnlyList<string> needs, bool allowFailure, string spec = "{}", int maxAttempts = 1)
    {
        if (_jobs.Any(j => j.Name == name)) throw new Common.DomainException($"The run already has a job named '{name}'.");
        var job = new Job(Id, name, needs, allowFailure, spec, maxAttempts, attempt: 1, position: _jobs.Select(j => j.Name).Distinct().Count());
        _jobs.Add(job);
        return job;
    }

    /// <summary>Adds the next attempt of one of this run's jobs.</summary>
    public void AddAttempt(Job attempt)
    {
        if (attempt.RunId != Id) throw new Common.DomainException("An attempt belongs to the run of its job.");
        _jobs.Add(attempt);
    }

    /// <summary>Cancels every job that has not finished, then the run. Running jobs are killed by their executor.</summary>
    /// <param name="reason">Why, when Comet cancels on its own (a newer run superseded this one); it becomes each job's note too.</param>
    public void Cancel(DateTime now, string? reason = null)
    {
        foreach (var job in CurrentJobs.Where(j => !JobTransitions.Table.IsTerminal(j.Status)))
            job.MoveTo(JobStatus.Cancelled, now, reason is null ? "cancelled" : $"cancelled: {reason}");
        if (Status == RunStatus.Pending || Status == RunStatus.Running)
        {
            MoveTo(RunStatus.Cancelled, now);
            CancelReason = reason;
        }
    }

    public void MoveTo(RunStatus to, DateTime now)
    {
        RunTransitions.Table.EnsureAllowed(Status, to);
        Status = to;
        if (to == RunStatus.Running) StartedAt = now;
        if (RunTransitions.Table.IsTerminal(to)) FinishedAt = now;
    }

    /// <summary>
    /// Back to running for a retry of its jobs. The one way out of an ended run, and only from a run
    /// that did not succeed; the state machine's own transitions never leave an ended status.
    /// </summary>
    public void Reopen(DateTime now)
    {
        if (Status is not (RunStatus.Failed or RunStatus.Cancelled or RunStatus.Error))
            throw new Common.InvalidTransitionException("run", Common.StatusName.Of(Status), Common.StatusName.Of(RunStatus.Running));
        Status = RunStatus.Running;
        StartedAt ??= now;
        FinishedAt = null;
        Error = null;
    }

    public void MarkError(string reason, DateTime now)
    {
        MoveTo(RunStatus.Error, now);
        Error = reason;
    }

    /// <summary>
    /// Brings the run's status in line with its jobs. A run that already ended (cancelled,
    /// error) keeps its status: late job updates do not reopen it.
    /// </summary>
    /// <returns>True when the status changed.</returns>
    public bool UpdateFromJobs(DateTime now)
    {
        if (RunTransitions.Table.IsTerminal(Status)) return false;
        var derived = RunStatusPolicy.Derive(CurrentJobs);
        // Jobs back in the queue (a lost lease) do not make a started run pending again.
        if (derived == Status || derived == RunStatus.Pending) return false;
        // A run whose jobs finished without it being seen running (pending → success) passes through running;
        // one whose jobs were all cancelled before any ran goes straight to cancelled.
        if (Status == RunStatus.Pending && !RunTransitions.Table.IsAllowed(Status, derived))
            MoveTo(RunStatus.Running, now);
        if (derived != Status) MoveTo(derived, now);
        if (derived == RunStatus.Error)
            Error ??= string.Join("; ", CurrentJobs.Where(j => j.Status == JobStatus.Error).Select(j => $"job '{j.Name}': {j.Error ?? "lost"}"));
        return true;
    }
}
