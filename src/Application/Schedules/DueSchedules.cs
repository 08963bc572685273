using Comet.Application.Common.Interfaces;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Comet.Application.Schedules;

/// <summary>A schedule and the fire time that is due.</summary>
public sealed record DueSlot(Guid ScheduleId, DateTime SlotAt);

/// <summary>
/// Finds the enabled schedules with a slot due now: for each, the latest fire time after what it has already covered.
/// Asked by the scheduler loop every poll, so it is a plain service rather than a request (which would log a line
/// each time); firing a slot is a request, <see cref="Commands.FireScheduleCommand"/>.
/// </summary>
public sealed class DueSchedules(ICometDbContext db, TimeProvider clock, ILogger<DueSchedules> logger)
{
    public async Task<IReadOnlyList<DueSlot>> FindAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var enabled = await db.Schedules.AsNoTracking().Where(s => s.Enabled)
            .Select(s => new { s.Id, s.Cron, s.TimeZone, s.CoveredUntil }).ToListAsync(cancellationToken);
        var due = new List<DueSlot>();
        foreach (var schedule in enabled)
        {
            var cron = ScheduleTimes.Parse(schedule.Cron, out var cronProblem);
            var zone = ScheduleTimes.FindZone(schedule.TimeZone, out var zoneProblem);
            if (cron is null || zone is null)
            {
                // Both were checked when saved; a zone can still vanish from the system's tz database in an update.
                logger.LogWarning("Schedule {ScheduleId} cannot fire: {Problem}", schedule.Id,
                    cron is null ? $"cron '{schedule.Cron}' {cronProblem}" : $"time zone '{schedule.TimeZone}' {zoneProblem}");
                continue;
            }
            if (ScheduleTimes.LatestDue(cron, zone, schedule.CoveredUntil, now) is { } slot)
                due.Add(new DueSlot(schedule.Id, slot));
        }
        return due;
    }
}
