using Comet.Domain.Notifications;

namespace Comet.Application.Notifications;

/// <summary>A subscription as the API shows it: never its credential (only whether it has one).</summary>
public sealed record SubscriptionDto(
    Guid Id,
    bool Personal,
    IReadOnlyList<string> Events,
    IReadOnlyList<string> Branches,
    ChannelDto Channel,
    string? Template,
    IReadOnlyDictionary<string, string> Templates,
    bool Muted,
    string CreatedBy,
    DateTime CreatedAt)
{
    /// <summary>The generic webhook's signing key, in the answer that made it only (when Comet chose it); null ever after.</summary>
    public string? SigningSecret { get; init; }

    public static SubscriptionDto From(Subscription s) => new(s.Id, s.UserId is not null, s.Events, s.Branches,
        new ChannelDto(s.Channel,
            Url: s.Channel == NotificationChannels.Webhook ? s.Target : null,
            ChatId: s.Channel == NotificationChannels.Telegram ? s.Target : null,
            To: s.Channel == NotificationChannels.Email ? (s.Target ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries) : null,
            HasSecret: s.ProtectedSecret is not null),
        s.Template, s.Templates, s.Muted, s.CreatedBy, s.CreatedAt);
}

/// <summary>The channel: webhook {url}, slack {}, telegram {chatId}, email {to}; hasSecret says a credential is kept.</summary>
public sealed record ChannelDto(string Type, string? Url, string? ChatId, IReadOnlyList<string>? To, bool HasSecret);

/// <summary>
/// The channel in a request: <c>{type: webhook, url, secret?}</c>, <c>{type: slack, webhookUrl}</c>,
/// <c>{type: telegram, botToken, chatId}</c> or <c>{type: email, to: [...]}</c>.
/// </summary>
public sealed record ChannelInput
{
    public string? Type { get; init; }
    public string? Url { get; init; }
    public string? Secret { get; init; }
    public string? WebhookUrl { get; init; }
    public string? BotToken { get; init; }
    public string? ChatId { get; init; }
    public List<string>? To { get; init; }
}
