using Comet.Application.Schedules;

namespace Comet.Application.Tests.Schedules;

/// <summary>
/// Fire times as Cronos computes them in a zone, with explicit dates: the 2026 daylight-saving changes are
/// 29 March and 25 October in Europe/Berlin, 8 March and 1 November in America/New_York.
/// </summary>
public sealed class ScheduleTimesTests
{
    private static Cronos.CronExpression Cron(string text) =>
        ScheduleTimes.Parse(text, out var problem) ?? throw new AssertionException($"'{text}' {problem}");

    private static TimeZoneInfo Zone(string id) =>
        ScheduleTimes.FindZone(id, out var problem) ?? throw new AssertionException($"'{id}' {problem}");

    private static DateTime Utc(int month, int day, int hour, int minute) => new(2026, month, day, hour, minute, 0, DateTimeKind.Utc);

    [Test]
    public void A_daily_0230_in_Berlin_fires_once_at_0300_local_on_the_spring_forward_day()
    {
        var next = ScheduleTimes.Next(Cron("30 2 * * *"), Zone("Europe/Berlin"), Utc(3, 27, 12, 0));

        Assert.That(next.Select(t => t.Utc), Is.EqualTo(new[]
        {
            Utc(3, 28, 1, 30), // 02:30 CET (+01:00)
            Utc(3, 29, 1, 0),  // 02:30 does not exist: once, at 03:00 CEST
            Utc(3, 30, 0, 30), // 02:30 CEST (+02:00)
            Utc(3, 31, 0, 30),
            Utc(4, 1, 0, 30),
        }));
        Assert.That(next.Select(t => t.Local.ToString("yyyy-MM-dd HH:mm zzz")), Is.EqualTo(new[]
        {
            "2026-03-28 02:30 +01:00", "2026-03-29 03:00 +02:00", "2026-03-30 02:30 +02:00", "2026-03-31 02:30 +02:00", "2026-04-01 02:30 +02:00",
        }));
    }

    [Test]
    public void A_daily_0230_in_Berlin_fires_once_not_twice_on_the_fall_back_day()
    {
        var next = ScheduleTimes.Next(Cron("30 2 * * *"), Zone("Europe/Berlin"), Utc(10, 24, 12, 0));

        // 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET): only the first fires.
        Assert.That(next.Select(t => t.Utc).Take(3), Is.EqualTo(new[] { Utc(10, 25, 0, 30), Utc(10, 26, 1, 30), Utc(10, 27, 1, 30) }));
        Assert.That(next.Select(t => t.Local.ToString("MM-dd HH:mm zzz")).Take(2), Is.EqualTo(new[] { "10-25 02:30 +02:00", "10-26 02:30 +01:00" }));
    }

    [Test]
    public void New_York_spring_forward_moves_a_0230_run_to_0300_EDT_and_fall_back_runs_0130_once()
    {
        var spring = ScheduleTimes.Next(Cron("30 2 * * *"), Zone("America/New_York"), Utc(3, 7, 12, 0), count: 2);
        var fall = ScheduleTimes.Next(Cron("30 1 * * *"), Zone("America/New_York"), Utc(10, 31, 12, 0), count: 2);

        Assert.Multiple(() =>
        {
            Assert.That(spring.Select(t => t.Utc), Is.EqualTo(new[] { Utc(3, 8, 7, 0), Utc(3, 9, 6, 30) }));
            Assert.That(spring[0].Local.ToString("HH:mm zzz"), Is.EqualTo("03:00 -04:00"));
            // 01:30 EDT (05:30Z) fires; the repeated 01:30 EST (06:30Z) does not.
            Assert.That(fall.Select(t => t.Utc), Is.EqualTo(new[] { Utc(11, 1, 5, 30), Utc(11, 2, 6, 30) }));
        });
    }

    [Test]
    public void After_downtime_only_the_latest_missed_slot_is_due()
    {
        var hourly = Cron("0 * * * *");
        var utc = Zone("UTC");

        var due = ScheduleTimes.LatestDue(hourly, utc, coveredUntil: Utc(5, 4, 9, 0), nowUtc: Utc(5, 7, 10, 20));
        var notYet = ScheduleTimes.LatestDue(hourly, utc, coveredUntil: Utc(5, 7, 10, 0), nowUtc: Utc(5, 7, 10, 59));
        var exactlyNow = ScheduleTimes.LatestDue(hourly, utc, coveredUntil: Utc(5, 7, 10, 0), nowUtc: Utc(5, 7, 11, 0));

        Assert.Multiple(() =>
        {
            Assert.That(due, Is.EqualTo(Utc(5, 7, 10, 0)));
            Assert.That(notYet, Is.Null);
            Assert.That(exactlyNow, Is.EqualTo(Utc(5, 7, 11, 0)));
        });
    }

    [Test]
    public void The_due_slot_on_the_spring_forward_day_is_the_same_instant_the_next_runs_showed()
    {
        var cron = Cron("30 2 * * *");
        var berlin = Zone("Europe/Berlin");
        var shown = ScheduleTimes.Next(cron, berlin, Utc(3, 28, 12, 0), count: 1).Single().Utc;

        var due = ScheduleTimes.LatestDue(cron, berlin, coveredUntil: Utc(3, 28, 12, 0), nowUtc: Utc(3, 29, 1, 30));
        var afterFiring = ScheduleTimes.LatestDue(cron, berlin, coveredUntil: due!.Value, nowUtc: Utc(3, 29, 12, 0));

        Assert.Multiple(() =>
        {
            Assert.That(due, Is.EqualTo(shown).And.EqualTo(Utc(3, 29, 1, 0)));
            Assert.That(afterFiring, Is.Null);
        });
    }

    [TestCase("30 2 * * *")]
    [TestCase("*/15 9-17 * * 1-5")]
    [TestCase("@daily")]
    [TestCase("0 0 1 JAN *")]
    public void Five_field_expressions_and_macros_are_read(string text) =>
        Assert.That(ScheduleTimes.Parse(text, out var problem), Is.Not.Null, problem);

    [TestCase("0 30 2 * * *", "has 6 fields; schedules take 5 (minute hour day-of-month month day-of-week), without seconds")]
    [TestCase("30 2 * *", "has 4 fields")]
    [TestCase("61 2 * * *", "is not a cron expression")]
    [TestCase("", "is empty")]
    public void Other_expressions_are_refused_with_the_reason(string text, string reason)
    {
        Assert.That(ScheduleTimes.Parse(text, out var problem), Is.Null);
        Assert.That(problem, Does.StartWith(reason));
    }

    [TestCase("Europe/Berlin")]
    [TestCase("America/New_York")]
    [TestCase("UTC")]
    [TestCase("Etc/GMT+5")]
    public void IANA_zones_are_found(string id) => Assert.That(ScheduleTimes.FindZone(id, out var problem), Is.Not.Null, problem);

    [TestCase("W. Europe Standard Time", "is a Windows zone id; use the IANA id 'Europe/Berlin'")]
    [TestCase("Mars/Olympus_Mons", "is not a time zone this server knows")]
    [TestCase("../../../etc/passwd", "is not an IANA time zone id")]
    [TestCase("/etc/localtime", "is not an IANA time zone id")]
    [TestCase("Europe/../../etc/passwd", "is not an IANA time zone id")]
    public void Other_zone_ids_are_refused(string id, string reason)
    {
        Assert.That(ScheduleTimes.FindZone(id, out var problem), Is.Null);
        Assert.That(problem, Does.StartWith(reason));
    }
}
