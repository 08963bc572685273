using Cronos;

namespace Comet.Application.Schedules;

/// <summary>
/// Cron arithmetic, all of it through Cronos: parsing, the next fire times and the latest one that is due. Cronos
/// reads the expression in the schedule's zone, so daylight saving is its rule: a time that does not exist on a
/// spring-forward day fires once when the clocks have jumped (02:30 → 03:00), and a time that happens twice on a
/// fall-back day fires once, at its first occurrence. (Interval expressions such as */30 fire in both repeated hours.)
/// </summary>
public static class ScheduleTimes
{
    /// <summary>What the API shows: the next fire times.</summary>
    public const int NextRunsShown = 5;

    /// <summary>The expression read the way schedules store it, or why not (as the end of "Cron '…' …").</summary>
    public static CronExpression? Parse(string? text, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            problem = "is empty; give five fields: minute hour day-of-month month day-of-week, e.g. '30 2 * * *'";
            return null;
        }
        var trimmed = text.Trim();
        var fields = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        if (!trimmed.StartsWith('@') && fields != 5)
        {
            // Seconds are refused on purpose: a run takes far longer than a second to start, and the scheduler polls.
            problem = fields == 6
                ? "has 6 fields; schedules take 5 (minute hour day-of-month month day-of-week), without seconds"
                : $"has {fields} fields; schedules take 5: minute hour day-of-month month day-of-week, e.g. '30 2 * * *'";
            return null;
        }
        try
        {
            return CronExpression.Parse(trimmed, CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            problem = "is not a cron expression: " + ex.Message.TrimEnd('.');
            return null;
        }
    }

    /// <summary>The IANA zone with this id, or why not. Windows ids and paths are refused, so what is stored means the same everywhere.</summary>
    public static TimeZoneInfo? FindZone(string? id, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(id))
        {
            problem = "is empty; give an IANA zone such as Europe/Berlin or UTC";
            return null;
        }
        if (LooksLikeIanaId(id))
        {
            try
            {
                var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
                if (zone.HasIanaId) return zone;
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                problem = "is not a time zone this server knows (IANA ids such as Europe/Berlin, America/New_York or UTC)";
            }
        }
        // A table lookup, no file: a Windows id ("W. Europe Standard Time") gets the id to use instead.
        problem = TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out var iana)
            ? $"is a Windows zone id; use the IANA id '{iana}'"
            : problem ?? "is not an IANA time zone id (such as Europe/Berlin, America/New_York or UTC)";
        return null;
    }

    /// <summary>Checked before the system looks an id up: it becomes a path under the zoneinfo folder.</summary>
    private static bool LooksLikeIanaId(string id) =>
        id.Length <= Domain.Schedules.Schedule.MaxTimeZoneLength
        && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+')
        && !id.StartsWith('/') && !id.EndsWith('/') && !id.Contains("//");

    /// <summary>The next <paramref name="count"/> fire times after <paramref name="fromUtc"/>, as UTC instants and wall-clock times in the zone.</summary>
    public static IReadOnlyList<ScheduleTimeDto> Next(CronExpression cron, TimeZoneInfo zone, DateTime fromUtc, int count = NextRunsShown)
    {
        var times = new List<ScheduleTimeDto>(count);
        var from = DateTime.SpecifyKind(fromUtc, DateTimeKind.Utc);
        while (times.Count < count && cron.GetNextOccurrence(from, zone, inclusive: false) is { } next)
        {
            times.Add(new ScheduleTimeDto(next, TimeZoneInfo.ConvertTime(new DateTimeOffset(next), zone)));
            from = next;
        }
        return times;
    }

    /// <summary>
    /// The latest fire time in (<paramref name="coveredUntil"/>, <paramref name="nowUtc"/>], or null when none is due.
    /// Only the latest: after downtime a schedule fires once, not once per slot it missed.
    /// </summary>
    public static DateTime? LatestDue(CronExpression cron, TimeZoneInfo zone, DateTime coveredUntil, DateTime nowUtc)
    {
        var now = DateTime.SpecifyKind(nowUtc, DateTimeKind.Utc);
        var covered = DateTime.SpecifyKind(coveredUntil, DateTimeKind.Utc);
        // The common case costs one step forward: nothing after the covered mark is due yet.
        var next = cron.GetNextOccurrence(covered, zone, inclusive: false);
        if (next is null || next > now) return null;

        // Cronos's previous occurrence only narrows the search: on a spring-forward day it names the instant just before
        // the jump (00:59:59.9999999Z for a 02:30 Berlin slot), where the forward search, which the API's next runs use
        // too, says 01:00Z. Walking forward from a day before it keeps both agreeing on which slot is which.
        var hint = cron.GetPreviousOccurrence(now, zone, inclusive: true) ?? next.Value;
        var from = hint - TimeSpan.FromDays(1) > covered ? hint - TimeSpan.FromDays(1) : covered;
        var latest = next.Value;
        while (cron.GetNextOccurrence(from, zone, inclusive: false) is { } occurrence && occurrence <= now)
        {
            latest = occurrence;
            from = occurrence;
        }
        return latest;
    }
}

/// <summary>One fire time: the instant, and the wall-clock time in the schedule's zone (with its offset).</summary>
public sealed record ScheduleTimeDto(DateTime Utc, DateTimeOffset Local);
