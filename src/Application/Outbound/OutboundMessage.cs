namespace Comet.Application.Outbound;

/// <summary>
/// Something that must leave the process (a forge status, a notification), written to the outbox in the transaction
/// of the state change that causes it and delivered later by the outbox worker, with retries.
/// </summary>
/// <param name="ProjectId">The project it belongs to (its delivery log), or null for an instance-wide message.</param>
/// <param name="Kind">What it is for: <see cref="OutboundKinds"/>.</param>
/// <param name="Channel">How it is sent: <see cref="OutboundChannels"/>; picks the <see cref="IOutboundChannel"/>.</param>
/// <param name="Destination">The circuit-breaker key: one breaker per destination (e.g. <c>https://api.github.com</c>, <c>smtp://mail.example.com:587</c>).</param>
/// <param name="Payload">What the channel sends, as JSON (for <c>http</c>: <see cref="HttpPayload"/>; for <c>email</c>: <see cref="EmailPayload"/>).</param>
/// <param name="Summary">One line for people: "GitHub status success for 1a2b3c4 (comet)".</param>
public sealed record OutboundMessage(Guid? ProjectId, string Kind, string Channel, string Destination, string Payload, string Summary)
{
    /// <summary>
    /// A credential resolved when the message is sent, never stored in the outbox: a project secret's current value
    /// (so a rotated token is used by retries, and the outbox table holds no token).
    /// </summary>
    public OutboundCredential? Credential { get; init; }

    /// <summary>Where it came from, for the delivery log: the subscription or the forge-status setting.</summary>
    public Guid? SourceId { get; init; }
    public Guid? RunId { get; init; }

    /// <summary>
    /// The outbox row's id, set by the deliverer when it sends the message (null when enqueued). Channels pass it on
    /// (HTTP: the <c>X-Comet-Delivery</c> header) so a receiver can tell a redelivery from a new message.
    /// </summary>
    public Guid? DeliveryId { get; init; }

    /// <summary>
    /// Messages with the same key are sent in the order they were written, one at a time (a commit's "pending" must not
    /// overtake its "success"); null: no order to keep. At most 300 characters.
    /// </summary>
    public string? OrderingKey { get; init; }
}

/// <summary>A header filled from a project secret at send time: <c>Authorization: Bearer {secret}</c>.</summary>
/// <param name="Format">The header value with <c>{0}</c> where the secret goes.</param>
public sealed record OutboundCredential(Guid ProjectId, string SecretName, string HeaderName, string Format);

/// <summary>An HTTP request: method, absolute URL, headers and a body (JSON or form text).</summary>
public sealed record HttpPayload(string Method, string Url, IReadOnlyDictionary<string, string> Headers, string? Body, string? ContentType = "application/json");

/// <summary>A mail to send over SMTP.</summary>
public sealed record EmailPayload(IReadOnlyList<string> To, string Subject, string Text, string? Html = null);

public static class OutboundKinds
{
    public const string ForgeStatus = "forge_status";
    public const string Notification = "notification";
}

public static class OutboundChannels
{
    public const string Http = "http";
    public const string Email = "email";
}
