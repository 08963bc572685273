using System.Net.Http.Json;
using Comet.Application.Notifications;
using Comet.Application.Outbound;
using Comet.Application.Secrets;
using Comet.Domain.Notifications;
using Comet.Infrastructure.Outbound;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Notifications;

/// <summary>The Telegram Bot API's sendMessage to the subscription's chat; the bot token sits in the URL path, so the log hides it.</summary>
public sealed class TelegramChannel(IServiceScopeFactory scopes, ISecretProtector protector, OutboundHttp http,
    IOptions<NotificationOptions> options) : NotificationChannel(scopes, protector)
{
    public override string Name => NotificationChannels.Telegram;

    protected override Task<DeliveryOutcome> SendAsync(Subscription subscription, string? secret, NotificationPayload payload,
        OutboundMessage message, CancellationToken cancellationToken)
    {
        var root = options.Value.TelegramApiUrl.TrimEnd('/');
        var token = secret ?? throw new InvalidOperationException("A Telegram subscription keeps its bot token.");
        var request = new HttpRequestMessage(HttpMethod.Post, $"{root}/bot{token}/sendMessage")
        {
            Content = JsonContent.Create(new { chat_id = subscription.Target, text = payload.Text, disable_web_page_preview = true }),
        };
        return SendAsync(http, request, $"POST {root}/bot…/sendMessage", cancellationToken);
    }
}
