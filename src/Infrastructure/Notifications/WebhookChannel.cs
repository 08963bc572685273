using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Comet.Application.Notifications;
using Comet.Application.Outbound;
using Comet.Application.Secrets;
using Comet.Domain.Notifications;
using Comet.Infrastructure.Outbound;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Infrastructure.Notifications;

/// <summary>
/// The generic webhook: a JSON POST of the event (docs/NOTIFICATIONS.md) signed with HMAC-SHA256 of the body under the
/// subscription's signing key, like GitHub's <c>X-Hub-Signature-256</c>.
/// </summary>
public sealed class WebhookChannel(IServiceScopeFactory scopes, ISecretProtector protector, OutboundHttp http)
    : NotificationChannel(scopes, protector)
{
    public const string SignatureHeader = "X-Comet-Signature-256";

    public override string Name => NotificationChannels.Webhook;

    public static string Sign(string key, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), body));

    protected override Task<DeliveryOutcome> SendAsync(Subscription subscription, string? secret, NotificationPayload payload,
        OutboundMessage message, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = message.DeliveryId, @event = payload.Event, text = payload.Text, link = payload.Link, data = payload.Data,
        }, Json);
        var request = new HttpRequestMessage(HttpMethod.Post, subscription.Target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add("X-Comet-Event", payload.Event);
        if (message.DeliveryId is { } id) request.Headers.Add("X-Comet-Delivery", id.ToString());
        if (secret is not null) request.Headers.Add(SignatureHeader, Sign(secret, body));
        return SendAsync(http, request, $"POST {subscription.Target}", cancellationToken);
    }
}
