using System.Diagnostics;
using System.Net.Sockets;
using Comet.Application.Notifications;
using Comet.Application.Outbound;
using Comet.Application.Secrets;
using Comet.Domain.Notifications;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Comet.Infrastructure.Notifications;

/// <summary>Mail over SMTP with MailKit, to the subscription's addresses; a 5xx reply is final, a 4xx or a lost connection is retried.</summary>
public sealed class EmailChannel(IServiceScopeFactory scopes, ISecretProtector protector, IOptions<NotificationOptions> options)
    : NotificationChannel(scopes, protector)
{
    public override string Name => NotificationChannels.Email;

    protected override async Task<DeliveryOutcome> SendAsync(Subscription subscription, string? secret, NotificationPayload payload,
        OutboundMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        var recipients = (subscription.Target ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var summary = $"SMTP {smtp.Host}:{smtp.Port} to {string.Join(", ", recipients)}";
        if (string.IsNullOrWhiteSpace(smtp.Host))
            return new DeliveryOutcome(DeliveryResult.Rejected, summary, null, "no mail server is configured (Notifications:Smtp:Host)", TimeSpan.Zero);

        var mail = new MimeMessage { Subject = payload.Subject };
        mail.From.Add(MailboxAddress.Parse(smtp.From));
        foreach (var to in recipients) mail.To.Add(MailboxAddress.Parse(to));
        if (message.DeliveryId is { } id) mail.Headers.Add("X-Comet-Delivery", id.ToString());
        mail.Body = new TextPart("plain") { Text = payload.Text };

        var clock = Stopwatch.StartNew();
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, SecurityOf(smtp.Security), cancellationToken);
            if (smtp.Username is { Length: > 0 } user) await client.AuthenticateAsync(user, smtp.Password ?? "", cancellationToken);
            var answer = await client.SendAsync(mail, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
            return new DeliveryOutcome(DeliveryResult.Delivered, summary, 250, Outbound.OutboundHttp.Excerpt(answer ?? ""), clock.Elapsed);
        }
        catch (SmtpCommandException e)
        {
            var code = (int)e.StatusCode;
            return new DeliveryOutcome(code >= 500 ? DeliveryResult.Rejected : DeliveryResult.Retry, summary, code, Outbound.OutboundHttp.Excerpt(e.Message), clock.Elapsed);
        }
        catch (Exception e) when (e is SocketException or IOException or SmtpProtocolException or ServiceNotConnectedException or TimeoutException
                                      or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new DeliveryOutcome(DeliveryResult.Retry, summary, null, Outbound.OutboundHttp.Excerpt(e.Message), clock.Elapsed);
        }
        catch (AuthenticationException e)
        {
            return new DeliveryOutcome(DeliveryResult.Rejected, summary, null, Outbound.OutboundHttp.Excerpt("the mail server refused the login: " + e.Message), clock.Elapsed);
        }
    }

    private static SecureSocketOptions SecurityOf(string security) => security switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "ssl" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTlsWhenAvailable,
    };
}
