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
    /// "{forge}:{project}:{delivery id}" for accepted deliveries, null for rejected ones: an unsigned
    /// request must not be able to claim a delivery id before the real one arrives.
    /// </summary>
    public string? IdempotencyKey { get; private set; }
    public string? Event { get; private set; }
    public DateTime ReceivedAt { get; private set; }

    /// <summary>run_created, ignored, skipped, rejected… and the words that explain it.</summary>
    public string Outcome { get; private set; } = "";
    public string? Detail { get; private set; }
    public int StatusCode { get; private set; }

    /// <summary>The JSON body of the first answer.</summary>
    public string Response { get; private set; } = "{}";
    public Guid? RunId { get; private set; }

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
