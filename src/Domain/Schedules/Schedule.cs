namespace Comet.Domain.Schedules;

/// <summary>
/// A project's timed run: a cron expression read in an IANA time zone, the branch whose head it runs, and variables
/// for the run. The cron arithmetic (Cronos) lives in Application; here is what is stored and how it moves.
/// </summary>
public sealed class Schedule
{
    public const int MaxNameLength = 100;
    public const int MaxCronLength = 120;
    public const int MaxTimeZoneLength = 64;
    public const int MaxOutcomeDetailLength = 1024;

    private Schedule() { }

    public Schedule(Guid projectId, string name, string cron, string timeZone, string branch,
        IReadOnlyDictionary<string, string> variables, bool enabled, Guid? createdBy, DateTime now)
    {
        Id = Guid.CreateVersion7();
        ProjectId = projectId;
        CreatedAt = now;
        CreatedBy = createdBy;
        Change(name, cron, timeZone, branch, variables, enabled, now);
    }

    public Guid Id { get; private set; }
    public Guid ProjectId { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>Five fields (minute hour day-of-month month day-of-week) or a macro such as @daily.</summary>
    public string Cron { get; private set; } = "";

    /// <summary>An IANA zone id (Europe/Berlin); the cron's hours are wall-clock hours there.</summary>
    public string TimeZone { get; private set; } = "UTC";
    public string Branch { get; private set; } = "";
    public Dictionary<string, string> Variables { get; private set; } = [];
    public bool Enabled { get; private set; }
    public Guid? CreatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>
    /// Slots at or before this instant are dealt with: fired, or passed before the schedule existed or while it was
    /// off. Only the latest slot after it fires, so a server that was down fires once, not once per missed slot.
    /// </summary>
    public DateTime CoveredUntil { get; private set; }

    /// <summary>The slot (fire time by the cron) last fired, and when it actually fired (later after downtime).</summary>
    public DateTime? LastSlotAt { get; private set; }
    public DateTime? LastFiredAt { get; private set; }
    public Guid? LastRunId { get; private set; }
    public ScheduleOutcome? LastOutcome { get; private set; }
    public string? LastOutcomeDetail { get; private set; }

    /// <summary>
    /// A new definition. When the timing changes (cron, zone, or switched back on) slots up to now count as covered,
    /// so the schedule starts from now instead of firing a slot the old definition, or the pause, let pass.
    /// </summary>
    public void Change(string name, string cron, string timeZone, string branch, IReadOnlyDictionary<string, string> variables, bool enabled, DateTime now)
    {
        var timingChanged = cron != Cron || timeZone != TimeZone || (enabled && !Enabled);
        if (timingChanged && now > CoveredUntil) CoveredUntil = now;
        Name = name;
        Cron = cron;
        TimeZone = timeZone;
        Branch = branch;
        Variables = new Dictionary<string, string>(variables);
        Enabled = enabled;
        UpdatedAt = now;
    }

    /// <summary>What firing <paramref name="slot"/> came to. The covered mark only moves forward.</summary>
    public void RecordFired(DateTime slot, DateTime firedAt, Guid? runId, ScheduleOutcome outcome, string? detail)
    {
        if (slot > CoveredUntil) CoveredUntil = slot;
        LastSlotAt = slot;
        LastFiredAt = firedAt;
        LastRunId = runId;
        LastOutcome = outcome;
        LastOutcomeDetail = detail is { Length: > MaxOutcomeDetailLength } ? detail[..(MaxOutcomeDetailLength - 1)] + "…" : detail;
    }
}

/// <summary>What a fired slot came to.</summary>
public enum ScheduleOutcome
{
    /// <summary>A run was created (it may still end in error, e.g. when the branch is gone).</summary>
    RunCreated = 1,

    /// <summary>The pipeline's top-level when: excludes cron runs of this branch, so no run was made.</summary>
    NotTriggered = 2,
}
