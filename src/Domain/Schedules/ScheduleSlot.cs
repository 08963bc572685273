namespace Comet.Domain.Schedules;

/// <summary>
/// One fire time of one schedule, claimed by the orchestrator that fires it. The pair (schedule, slot) is unique in
/// the database and the row is written before the run is made, so when several orchestrators share a database the
/// one whose insert wins makes the run and the others skip the slot.
/// </summary>
public sealed class ScheduleSlot
{
    public const int MaxNodeLength = 128;

    private ScheduleSlot() { }

    public ScheduleSlot(Guid scheduleId, DateTime slotAt, string claimedBy, DateTime claimedAt)
    {
        ScheduleId = scheduleId;
        SlotAt = slotAt;
        ClaimedBy = claimedBy.Length <= MaxNodeLength ? claimedBy : claimedBy[..MaxNodeLength];
        ClaimedAt = claimedAt;
    }

    public Guid ScheduleId { get; private set; }
    public DateTime SlotAt { get; private set; }
    public string ClaimedBy { get; private set; } = "";
    public DateTime ClaimedAt { get; private set; }
    public Guid? RunId { get; private set; }
    public ScheduleOutcome? Outcome { get; private set; }

    public void Record(Guid? runId, ScheduleOutcome outcome)
    {
        RunId = runId;
        Outcome = outcome;
    }
}
