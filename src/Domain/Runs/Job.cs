namespace Comet.Domain.Runs;

/// <summary>
/// One attempt of a unit of work of a run: steps that share one workspace. A retry is a new Job
/// row with the next attempt number, so every attempt stays visible.
/// </summary>
public sealed class Job
{
    private readonly List<Step> _steps = [];

    private Job() { }

    public Job(Guid runId, string name, IReadOnlyList<string> needs, bool allowFailure, string spec = "{}", int maxAttempts = 1, int attempt = 1, int position = 0)
    {
        if (maxAttempts < 1) throw new ArgumentOutOfRangeException(nameof(maxAttempts), "A job has at least one attempt.");
        Id = Guid.CreateVersion7();
        RunId = runId;
        Name = name;
        Needs = [.. needs];
        AllowFailure = allowFailure;
        Spec = spec;
        MaxAttempts = maxAttempts;
        Attempt = attempt;
        Position = position;
    }

    public Guid Id { get; private set; }
    public Guid RunId { get; private set; }
    public string Name { get; private set; } = "";
    public JobStatus Status { get; private set; } = JobStatus.Created;

    /// <summary>Names of the jobs that must finish first (the DAG edges).</summary>
    public List<string> Needs { get; private set; } = [];

    /// <summary>A failure of this job is reported but does not fail the run.</summary>
    public bool AllowFailure { get; private set; }
    public int Attempt { get; private set; } = 1;

    /// <summary>The job's place in the pipeline file (matrix legs in order), for a stable display order.</summary>
    public int Position { get; private set; }

    /// <summary>1 + the pipeline file's <c>retry</c>.</summary>
    public int MaxAttempts { get; private set; } = 1;

    /// <summary>What to run (steps, environment, timeouts), as the planner wrote it; opaque to the domain.</summary>
    public string Spec { get; private set; } = "{}";

    /// <summary>The orchestrator node running the job, and until when its claim holds without a heartbeat.</summary>
    public string? LeaseOwner { get; private set; }
    public DateTime? LeaseExpiresAt { get; private set; }

    /// <summary>
    /// The project-wide concurrency group the job belongs to (<c>concurrency:</c> in the pipeline file), as
    /// "{project id}/{group}" so one index and one comparison find every job of the group across runs; null: none.
    /// </summary>
    public string? ConcurrencyKey { get; private set; }

    /// <summary>At most this many jobs of <see cref="ConcurrencyKey"/> run at once (the claiming job's own limit counts).</summary>
    public int? ConcurrencyLimit { get; private set; }

    /// <summary>The group's name as the pipeline file wrote it.</summary>
    public string? ConcurrencyGroup => ConcurrencyKey is { } key ? ConcurrencyGroups.NameOf(key) : null;

    /// <summary>The environment the job deploys to (<c>environment:</c>), for its rules, approvals and lock; null: none.</summary>
    public string? EnvironmentName { get; private set; }

    /// <summary><c>when: manual</c>: the job waits for someone to start it.</summary>
    public bool Manual { get; private set; }

    /// <summary><c>approval: required</c>: the job waits for a maintainer's approval, whatever its environment says.</summary>
    public bool ApprovalRequired { get; private set; }

    /// <summary>
    /// Set when the job starts waiting for approval, from the rules then in force: how many distinct approvals start it,
    /// whether the run's author may give one, and when it gives up ("approval timed out").
    /// </summary>
    public int ApprovalsRequired { get; private set; }
    public bool SelfApprovalAllowed { get; private set; }

    /// <summary>Approvals need a maintainer (approval rules); a plain manual job may be started by any developer.</summary>
    public bool ApprovalByMaintainers { get; private set; }
    public DateTime? ApprovalDeadline { get; private set; }

    /// <summary>
    /// "{project id}/{environment}" while the job deploys to an environment with a deploy lock: at most one job of a key
    /// runs at once. Null: no lock.
    /// </summary>
    public string? DeployLockKey { get; private set; }

    /// <summary>Whether anything must happen before the job may queue: a person's click or approval, or an environment's rules.</summary>
    public bool IsGated => Manual || ApprovalRequired || EnvironmentName is not null;

    /// <summary>Why the job ended in error, or a note on how it ended (timed out, cancelled).</summary>
    public string? Error { get; private set; }
    public DateTime? QueuedAt { get; private set; }
    public DateTime? StartedAt { get; private set; }
    public DateTime? FinishedAt { get; private set; }
    public IReadOnlyList<Step> Steps => _steps;

    /// <summary>What went wrong around the steps without failing the job: a missing report, a refused artifact path.</summary>
    public List<string> Warnings { get; private set; } = [];

    public const int MaxWarnings = 100;

    /// <summary>Notes a warning; past <see cref="MaxWarnings"/> one last line says the rest were dropped.</summary>
    public void Warn(string warning)
    {
        if (Warnings.Count < MaxWarnings) Warnings.Add(warning);
        else if (Warnings.Count == MaxWarnings) Warnings.Add("more warnings were dropped");
    }

    /// <summary>Puts the job in a concurrency group of its project: at most <paramref name="limit"/> of the group run at once.</summary>
    public void JoinConcurrencyGroup(Guid projectId, string group, int limit)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit), "A concurrency group lets at least one job run.");
        ConcurrencyKey = ConcurrencyGroups.KeyOf(projectId, group);
        ConcurrencyLimit = limit;
    }

    /// <summary>Records what the pipeline file says must happen before the job may start.</summary>
    public void Gate(string? environment, bool manual, bool approvalRequired)
    {
        EnvironmentName = environment;
        Manual = manual;
        ApprovalRequired = approvalRequired;
    }

    /// <summary>The job waits for <paramref name="approvals"/> distinct approvals (at least one), until <paramref name="deadline"/> if given.</summary>
    public void AwaitApproval(int approvals, bool selfApprovalAllowed, bool byMaintainers, DateTime? deadline, DateTime now)
    {
        if (approvals < 1) throw new ArgumentOutOfRangeException(nameof(approvals), "A job waiting for approval needs at least one.");
        MoveTo(JobStatus.WaitingForApproval, now);
        ApprovalsRequired = approvals;
        SelfApprovalAllowed = selfApprovalAllowed;
        ApprovalByMaintainers = byMaintainers;
        ApprovalDeadline = deadline;
    }

    /// <summary>Queues the job; under its environment's deploy lock when <paramref name="lockKey"/> is given.</summary>
    public void Queue(DateTime now, string? lockKey)
    {
        MoveTo(JobStatus.Queued, now);
        DeployLockKey = lockKey;
    }

    public bool CanRetry => Status == JobStatus.Failed && Attempt < MaxAttempts;

    public Step AddStep(string name)
    {
        var step = new Step(Id, _steps.Count, name);
        _steps.Add(step);
        return step;
    }

    public void MoveTo(JobStatus to, DateTime now, string? note = null)
    {
        JobTransitions.Table.EnsureAllowed(Status, to);
        if (Status == JobStatus.Running && to == JobStatus.Queued) Attempt++;
        Status = to;
        switch (to)
        {
            case JobStatus.Queued: QueuedAt = now; break;
            case JobStatus.Running: StartedAt = now; break;
        }
        if (note is not null) Error = note;
        if (JobTransitions.Table.IsTerminal(to))
        {
            CloseUnstartedSteps(now);
            FinishedAt = now;
            LeaseOwner = null;
            LeaseExpiresAt = null;
        }
    }

    /// <summary>
    /// A job that has ended never runs the steps it has not started: they show as skipped (cancelled with the job), not
    /// pending. Acts on the steps loaded with the job; callers that end jobs without loading steps load them and call it.
    /// </summary>
    public void CloseUnstartedSteps(DateTime now)
    {
        if (!JobTransitions.Table.IsTerminal(Status)) return;
        foreach (var step in _steps.Where(s => s.Status == StepStatus.Pending))
            step.MoveTo(Status == JobStatus.Cancelled ? StepStatus.Cancelled : StepStatus.Skipped, now);
    }

    /// <summary>A queued job taken by a node: it runs there until done or until the lease lapses.</summary>
    public void Claim(string node, DateTime now, TimeSpan lease)
    {
        MoveTo(JobStatus.Running, now);
        LeaseOwner = node;
        LeaseExpiresAt = now + lease;
    }

    /// <summary>The next attempt of a failed job, queued at once (its needs passed already).</summary>
    public Job NextAttempt(DateTime now)
    {
        if (!CanRetry) throw new Common.DomainException($"Job '{Name}' cannot be retried: it is {Common.StatusName.Of(Status)} after attempt {Attempt} of {MaxAttempts}.");
        // Approved once, retried on its own: the retry keeps the approval and the lock, as GitLab's retries do.
        var next = new Job(RunId, Name, Needs, AllowFailure, Spec, MaxAttempts, Attempt + 1, Position)
        {
            ConcurrencyKey = ConcurrencyKey, ConcurrencyLimit = ConcurrencyLimit,
            EnvironmentName = EnvironmentName, Manual = Manual, ApprovalRequired = ApprovalRequired,
        };
        next.Queue(now, DeployLockKey);
        return next;
    }

    /// <summary>A fresh attempt started by a person (run retry): allowed one more time than the file's retry.</summary>
    public Job ManualRetry(DateTime now)
    {
        if (Status is not (JobStatus.Failed or JobStatus.Cancelled or JobStatus.Error or JobStatus.Skipped))
            throw new Common.DomainException($"Job '{Name}' is {Common.StatusName.Of(Status)}; only failed, cancelled, lost or skipped jobs are retried.");
        // A person's retry goes through the gates again: the rules, approvals and lock as they are now.
        var next = new Job(RunId, Name, Needs, AllowFailure, Spec, Math.Max(MaxAttempts, Attempt + 1), Attempt + 1, Position)
        {
            ConcurrencyKey = ConcurrencyKey, ConcurrencyLimit = ConcurrencyLimit,
            EnvironmentName = EnvironmentName, Manual = Manual, ApprovalRequired = ApprovalRequired,
        };
        return next;
    }
}
