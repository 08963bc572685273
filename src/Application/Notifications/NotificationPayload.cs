namespace Comet.Application.Notifications;

/// <summary>
/// What an outbox message of kind <c>notification</c> carries: the rendered text (and mail subject) and the event's
/// data for the generic webhook. Channel credentials are not in it: the channel reads them from the subscription
/// (<see cref="Outbound.OutboundMessage.SourceId"/>) when it sends.
/// </summary>
public sealed record NotificationPayload(string Event, string Subject, string Text, string? Link, IReadOnlyDictionary<string, object?> Data);
