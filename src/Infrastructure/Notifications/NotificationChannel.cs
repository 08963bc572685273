using System.Text.Json;
using Comet.Application.Common.Interfaces;
using Comet.Application.Notifications;
using Comet.Application.Outbound;
using Comet.Application.Secrets;
using Comet.Domain.Notifications;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Infrastructure.Notifications;

/// <summary>
/// A notification channel: reads the subscription the message came from when it sends (so a changed target or a
/// rotated credential applies to retries, and the outbox holds no credential), then sends the rendered text its way.
/// </summary>
public abstract class NotificationChannel(IServiceScopeFactory scopes, ISecretProtector protector) : IOutboundChannel
{
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public abstract string Name { get; }

    public async Task<DeliveryOutcome> SendAsync(OutboundMessage message, string? credential, CancellationToken cancellationToken)
    {
        var payload = JsonSerializer.Deserialize<NotificationPayload>(message.Payload, Json)
            ?? throw new InvalidOperationException($"Outbox message {message.DeliveryId} has no notification payload.");
        Subscription? subscription;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
            subscription = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == message.SourceId, cancellationToken);
        }
        if (subscription is null)
            return new DeliveryOutcome(DeliveryResult.Rejected, $"{Name} notification", null, "the subscription was deleted", TimeSpan.Zero);
        var secret = subscription.ProtectedSecret is { } stored ? protector.Unprotect(stored) : null;
        return await SendAsync(subscription, secret, payload, message, cancellationToken);
    }

    /// <summary>Sends through the guarded outbound client and disposes the request.</summary>
    protected static async Task<DeliveryOutcome> SendAsync(Outbound.OutboundHttp http, HttpRequestMessage request, string summary, CancellationToken cancellationToken)
    {
        using (request) return await http.SendAsync(request, summary, cancellationToken);
    }

    protected abstract Task<DeliveryOutcome> SendAsync(Subscription subscription, string? secret, NotificationPayload payload,
        OutboundMessage message, CancellationToken cancellationToken);
}
