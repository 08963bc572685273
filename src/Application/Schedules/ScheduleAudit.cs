namespace Comet.Application.Schedules;

/// <summary>
/// Audit actions for schedule changes, next to the project and member changes the audit log already records: a
/// schedule starts runs with its variables on its own, so who set it up matters.
/// </summary>
public static class ScheduleAuditActions
{
    public const string Created = "schedule_created";
    public const string Updated = "schedule_updated";
    public const string Deleted = "schedule_deleted";

    /// <summary>"nightly: '30 2 * * *' Europe/Berlin on main, enabled" — what the schedule does, never its variables' values.</summary>
    public static string Describe(Domain.Schedules.Schedule schedule) =>
        $"{schedule.Name}: '{schedule.Cron}' {schedule.TimeZone} on {schedule.Branch}, {(schedule.Enabled ? "enabled" : "disabled")}"
        + (schedule.Variables.Count == 0 ? "" : $", variables {string.Join(", ", schedule.Variables.Keys.Order(StringComparer.Ordinal))}");
}
