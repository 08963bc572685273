using System.Linq.Expressions;
using Comet.Domain.Schedules;

namespace Comet.Application.Schedules;

public sealed record ScheduleDto
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }
    public required string Cron { get; init; }
    public required string TimeZone { get; init; }
    public required string Branch { get; init; }
    public required Dictionary<string, string> Variables { get; init; }
    public required bool Enabled { get; init; }
    public required DateTime CreatedAt { get; init; }
    public required DateTime UpdatedAt { get; init; }

    /// <summary>The fire time last handled, when it was handled (later than the slot after downtime), and what came of it.</summary>
    public DateTime? LastSlotAt { get; init; }
    public DateTime? LastFiredAt { get; init; }
    public Guid? LastRunId { get; init; }
    public ScheduleOutcome? LastOutcome { get; init; }
    public string? LastOutcomeDetail { get; init; }

    /// <summary>The next five fire times; empty while the schedule is disabled.</summary>
    public IReadOnlyList<ScheduleTimeDto> NextRuns { get; init; } = [];

    public static readonly Expression<Func<Schedule, ScheduleDto>> Projection = s => new ScheduleDto
    {
        Id = s.Id,
        Name = s.Name,
        Cron = s.Cron,
        TimeZone = s.TimeZone,
        Branch = s.Branch,
        Variables = s.Variables,
        Enabled = s.Enabled,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        LastSlotAt = s.LastSlotAt,
        LastFiredAt = s.LastFiredAt,
        LastRunId = s.LastRunId,
        LastOutcome = s.LastOutcome,
        LastOutcomeDetail = s.LastOutcomeDetail,
    };

    private static readonly Func<Schedule, ScheduleDto> FromEntity = Projection.Compile();

    public static ScheduleDto From(Schedule schedule, DateTime nowUtc) => FromEntity(schedule).WithNextRuns(nowUtc);

    /// <summary>Adds the next fire times after <paramref name="nowUtc"/> (none for a disabled schedule: it will not fire).</summary>
    public ScheduleDto WithNextRuns(DateTime nowUtc)
    {
        if (!Enabled) return this;
        var cron = ScheduleTimes.Parse(Cron, out _);
        var zone = ScheduleTimes.FindZone(TimeZone, out _);
        return cron is null || zone is null ? this : this with { NextRuns = ScheduleTimes.Next(cron, zone, nowUtc) };
    }
}
