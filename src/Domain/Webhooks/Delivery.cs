namespace Comet.Domain.Webhooks;

/// <summary>
/// One webhook request as Comet received it and what came of it. The first answer is kept so a
/// redelivery (same forge delivery id) gets the same answer and creates nothing.
/// </summary>
public sealed class Delivery
{
    private Delivery() { }

    public Delivery(Guid? projectId, string forge, string? deliveryId, string? eventName, DateTime receivedAt)
    {
        Id = Guid.CreateVersion7();
        ProjectId = projectId;
        Forge = forge;
        DeliveryId = deliveryId;
        Event = eventName;
        ReceivedAt = receivedAt;
    }

    public Guid Id { get; private set; }
    public Guid? ProjectId { get; private set; }
    public string Forge { get; private set; } = "";

    /// <summary>The forge's own id for the delivery (X-GitHub-Delivery, X-Gitlab-Event-UUID, X-Gitea-Delivery).</summary>
    public string? DeliveryId { get; private set; }

    /// <summary>
    /// "{forge}:{project}:{delivery id}" for answers under 400, null otherwise. Only deliveries whose signature was
    /// verified are stored (refused ones are counted on the project), so an unsigned request can never claim a
    /// delivery id before the real one arrives.
    /// </summary>
    public string? IdempotencyKey { get; private set; }
    public string? Event { get; private set; }
    public DateTime ReceivedAt { get; private set; }

    /// <summary>run_created, duplicate, ignored, skipped, ping… and the words that explain it.</summary>
    public string Outcome { get; private set; } = "";
    public string? Detail { get; private set; }
    public int StatusCode { get; private set; }

    /// <summary>The JSON body of the first answer.</summary>
    public string Response { get; private set; } = "{}";
    public Guid? RunId { get; private set; }

    /// <summary>
    /// "{event} {ref} {sha}" on the delivery that created a run, null on every other. Unique per project, so a second
    /// delivery of the same push (a new delivery id, or none) finds the run instead of making another, and two
    /// copies arriving at once cannot both store a run. It keys on what the signed body says, not on the delivery
    /// id, which no forge signs.
    /// </summary>
    public string? TriggerKey { get; private set; }

    public const int TriggerKeyMaxLength = 400;

    /// <summary>Marks this delivery as the one whose run builds <paramref name="triggerKey"/>.</summary>
    public void ClaimTrigger(string triggerKey) => TriggerKey = triggerKey;

    public static string TriggerKeyFor(string eventName, string fullRef, string? sha) => $"{eventName} {fullRef} {sha}";

    public void Record(string outcome, string? detail, int statusCode, string response, Guid? runId)
    {
        Outcome = outcome;
        Detail = detail;
        StatusCode = statusCode;
        Response = response;
        RunId = runId;
        IdempotencyKey = statusCode < 400 && DeliveryId is not null && ProjectId is not null
            ? KeyFor(Forge, ProjectId.Value, DeliveryId)
            : null;
    }

    public static string KeyFor(string forge, Guid projectId, string deliveryId) => $"{forge}:{projectId:N}:{deliveryId}";
}
