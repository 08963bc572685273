using System.Net.Http.Json;
using Comet.Application.Notifications;
using Comet.Application.Outbound;
using Comet.Application.Secrets;
using Comet.Domain.Notifications;
using Comet.Infrastructure.Outbound;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Infrastructure.Notifications;

/// <summary>
/// A Slack incoming webhook: the text as a mrkdwn section and, when the event has a run, a button linking to it. The
/// webhook URL is the credential, so it is kept encrypted and the delivery log shows only its host.
/// </summary>
public sealed class SlackChannel(IServiceScopeFactory scopes, ISecretProtector protector, OutboundHttp http)
    : NotificationChannel(scopes, protector)
{
    public override string Name => NotificationChannels.Slack;

    public static object Body(NotificationPayload payload)
    {
        var blocks = new List<object> { new { type = "section", text = new { type = "mrkdwn", text = payload.Text } } };
        if (payload.Link is { } link)
            blocks.Add(new { type = "actions", elements = new[] { new { type = "button", text = new { type = "plain_text", text = "Open the run" }, url = link } } });
        // text stays as the fallback for notifications and clients that do not show blocks.
        return new { text = payload.Text, blocks };
    }

    protected override Task<DeliveryOutcome> SendAsync(Subscription subscription, string? secret, NotificationPayload payload,
        OutboundMessage message, CancellationToken cancellationToken)
    {
        var url = new Uri(secret ?? throw new InvalidOperationException("A Slack subscription keeps its webhook URL."));
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(Body(payload), options: Json) };
        return SendAsync(http, request, $"POST {url.GetLeftPart(UriPartial.Authority)}/…", cancellationToken);
    }
}
