namespace Comet.Domain.Events;

/// <summary>
/// One entry of the live event log that <c>GET /api/v1/events</c> streams: something happened to a run, a job, a
/// step, a deployment, an approval or a delivery. Written in the transaction of the change it tells of; its id grows
/// with every event and is what a client resumes from. Kept for a short window only (Events:RetainFor/RetainCount).
/// </summary>
public sealed class LiveEvent
{
    public const int MaxTypeLength = 32;

    private LiveEvent() { }

    public LiveEvent(string type, Guid? projectId, Guid? runId, string data, DateTime createdAt)
    {
        if (string.IsNullOrWhiteSpace(type) || type.Length > MaxTypeLength)
            throw new Common.DomainException($"An event type is 1 to {MaxTypeLength} characters, not '{type}'.");
        Type = type;
        ProjectId = projectId;
        RunId = runId;
        Data = data;
        CreatedAt = createdAt;
    }

    /// <summary>Given by the database on insert; commits in id order (see docs/EVENTS.md, "Ordering").</summary>
    public long Id { get; private set; }

    public string Type { get; private set; } = "";

    /// <summary>The project whose members may see the event; null for an instance-wide one (admins only).</summary>
    public Guid? ProjectId { get; private set; }

    public Guid? RunId { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>The event's JSON object, as clients receive it.</summary>
    public string Data { get; private set; } = "{}";
}
