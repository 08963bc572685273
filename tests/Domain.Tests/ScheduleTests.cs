using Comet.Domain.Schedules;

namespace Comet.Domain.Tests;

/// <summary>The covered mark: what decides which slot a schedule fires next.</summary>
public sealed class ScheduleTests
{
    private static readonly DateTime T0 = new(2026, 4, 1, 8, 0, 0, DateTimeKind.Utc);
    private static readonly Dictionary<string, string> NoVariables = [];

    private static Schedule New(bool enabled = true) => new(Guid.NewGuid(), "nightly", "0 2 * * *", "UTC", "main", NoVariables, enabled, null, T0);

    [Test]
    public void A_new_schedule_covers_up_to_its_creation_so_no_earlier_slot_fires() =>
        Assert.That(New().CoveredUntil, Is.EqualTo(T0));

    [Test]
    public void Renaming_or_new_variables_keep_the_mark_so_a_slot_due_meanwhile_still_fires()
    {
        var schedule = New();

        schedule.Change("renamed", "0 2 * * *", "UTC", "develop", new Dictionary<string, string> { ["A"] = "1" }, true, T0.AddHours(1));

        Assert.That(schedule.CoveredUntil, Is.EqualTo(T0));
    }

    [TestCase("0 3 * * *", "UTC", true)]
    [TestCase("0 2 * * *", "Europe/Berlin", true)]
    public void A_new_cron_or_zone_starts_from_now(string cron, string zone, bool enabled)
    {
        var schedule = New();

        schedule.Change("nightly", cron, zone, "main", NoVariables, enabled, T0.AddHours(1));

        Assert.That(schedule.CoveredUntil, Is.EqualTo(T0.AddHours(1)));
    }

    [Test]
    public void Switching_back_on_starts_from_now_so_slots_passed_while_off_do_not_fire()
    {
        var schedule = New(enabled: false);

        schedule.Change("nightly", "0 2 * * *", "UTC", "main", NoVariables, true, T0.AddDays(3));

        Assert.That(schedule.CoveredUntil, Is.EqualTo(T0.AddDays(3)));
    }

    [Test]
    public void Recording_an_older_slot_never_moves_the_mark_back()
    {
        var schedule = New();
        schedule.RecordFired(T0.AddHours(5), T0.AddHours(5), Guid.NewGuid(), ScheduleOutcome.RunCreated, null);

        schedule.RecordFired(T0.AddHours(4), T0.AddHours(6), null, ScheduleOutcome.NotTriggered, new string('x', 5000));

        Assert.Multiple(() =>
        {
            Assert.That(schedule.CoveredUntil, Is.EqualTo(T0.AddHours(5)));
            Assert.That(schedule.LastOutcomeDetail, Has.Length.EqualTo(Schedule.MaxOutcomeDetailLength));
        });
    }
}
