using System.Net.Mail;
using System.Text.RegularExpressions;
using Comet.Domain.Notifications;
using Comet.Application.Outbound;
using FluentValidation;
using Microsoft.Extensions.Options;

namespace Comet.Application.Notifications;

/// <summary>What a new subscription says, for a project or for a person.</summary>
public interface ISubscriptionInput
{
    List<string>? Events { get; }
    List<string>? Branches { get; }
    ChannelInput? Channel { get; }
    string? Template { get; }
    Dictionary<string, string>? Templates { get; }
}

/// <summary>The one set of checks for a new subscription, project or personal.</summary>
public abstract class SubscriptionInputValidator<T> : AbstractValidator<T> where T : ISubscriptionInput
{
    protected SubscriptionInputValidator(INotificationTemplates templates, IOptions<OutboundOptions> outbound)
    {
        RuleFor(c => c.Events).EventsRule(required: true);
        RuleFor(c => c.Branches).BranchesRule();
        RuleFor(c => c.Channel).Must(c => SubscriptionRules.ChannelProblem(c) is null).WithMessage(c => SubscriptionRules.ChannelProblem(c.Channel));
        // The early check of the address guard: a webhook or Slack URL that can only reach a private address is a 400 now,
        // not a dead delivery later (names are resolved, and checked again, when a message is sent).
        RuleFor(c => c.Channel).Must(c => AddressProblem(c, outbound.Value) is null).WithMessage(c => AddressProblem(c.Channel, outbound.Value))
            .When(c => SubscriptionRules.ChannelProblem(c.Channel) is null);
        RuleFor(c => c.Template).TemplateRule(templates);
        RuleFor(c => c.Templates).TemplatesRule(templates);
    }

    private static string? AddressProblem(ChannelInput? channel, OutboundOptions outbound) => channel?.Type switch
    {
        NotificationChannels.Webhook => OutboundAddressRules.CheckUrl(channel.Url, outbound.AllowPrivateAddresses),
        NotificationChannels.Slack => OutboundAddressRules.CheckUrl(channel.WebhookUrl, outbound.AllowPrivateAddresses, "webhookUrl"),
        _ => null,
    };
}

/// <summary>The checks project and personal subscriptions share: events, branches, channel settings, template.</summary>
public static partial class SubscriptionRules
{
    public const int MaxRecipients = 20;
    public const int MinWebhookSecretLength = 16;

    public static void EventsRule<T>(this IRuleBuilder<T, List<string>?> rule, bool required) =>
        rule.Must(e => e is null ? !required : e.Count > 0 && e.All(NotificationEvents.All.Contains))
            .WithMessage(c => $"events is a non-empty list of {string.Join(", ", NotificationEvents.All)}.");

    public static void BranchesRule<T>(this IRuleBuilder<T, List<string>?> rule) =>
        rule.Must(b => b is null || (b.Count <= Subscription.MaxBranchPatterns && b.All(p => p is { Length: > 0 and <= 255 } && !p.Any(char.IsWhiteSpace))))
            .WithMessage($"branches is a list of at most {Subscription.MaxBranchPatterns} glob patterns (main, release/*), each 1 to 255 characters without spaces.");

    public static void TemplateRule<T>(this IRuleBuilder<T, string?> rule, INotificationTemplates templates) =>
        rule.MaximumLength(Subscription.MaxTemplateLength).WithMessage($"template is at most {Subscription.MaxTemplateLength} characters.")
            .Must(t => t is null || templates.ParseError(t) is null)
            .WithMessage(c => $"template is not valid Liquid: {(TemplateOf(c) is { } t ? templates.ParseError(t) : null)}");

    /// <summary>Per-event templates: keys are events, values valid Liquid of at most the template length.</summary>
    public static void TemplatesRule<T>(this IRuleBuilder<T, Dictionary<string, string>?> rule, INotificationTemplates templates) =>
        rule.Must(map => map is null || map.All(p => NotificationEvents.All.Contains(p.Key) && p.Value is { Length: > 0 and <= Subscription.MaxTemplateLength }
                                                     && templates.ParseError(p.Value) is null))
            .WithMessage(c => $"templates maps events ({string.Join(", ", NotificationEvents.All)}) to Liquid templates of 1 to "
                + $"{Subscription.MaxTemplateLength} characters; {TemplatesProblem(TemplatesOf(c), templates)}");

    private static string TemplatesProblem(Dictionary<string, string>? map, INotificationTemplates templates)
    {
        if (map is null) return "";
        foreach (var (key, value) in map)
        {
            if (!NotificationEvents.All.Contains(key)) return $"'{key}' is not an event.";
            if (value is not { Length: > 0 and <= Subscription.MaxTemplateLength }) return $"the template for {key} is empty or too long.";
            if (templates.ParseError(value) is { } error) return $"the template for {key} is not valid Liquid: {error}";
        }
        return "";
    }

    private static Dictionary<string, string>? TemplatesOf<T>(T command) => command switch
    {
        ISubscriptionInput input => input.Templates,
        Commands.UpdateSubscriptionCommand u => u.Templates,
        _ => null,
    };

    private static string? TemplateOf<T>(T command) => command switch
    {
        ISubscriptionInput input => input.Template,
        Commands.UpdateSubscriptionCommand u => u.Template,
        Queries.PreviewNotificationQuery p => p.Template,
        _ => null,
    };

    /// <summary>Why the channel settings will not do, or null when they will.</summary>
    public static string? ChannelProblem(ChannelInput? channel)
    {
        if (channel is null) return "channel is required: {type: webhook|slack|telegram|email, …}.";
        return channel.Type switch
        {
            NotificationChannels.Webhook when !IsHttpUrl(channel.Url) => "a webhook channel needs url, an absolute http(s) address.",
            NotificationChannels.Webhook when channel.Secret is { Length: < MinWebhookSecretLength } =>
                $"the webhook's secret is at least {MinWebhookSecretLength} characters (leave it out and Comet makes one).",
            NotificationChannels.Slack when !IsHttpUrl(channel.WebhookUrl) => "a slack channel needs webhookUrl, the incoming webhook's https address.",
            NotificationChannels.Telegram when channel.BotToken is null || !BotToken().IsMatch(channel.BotToken) =>
                "a telegram channel needs botToken as BotFather gives it (123456:ABC-…).",
            NotificationChannels.Telegram when channel.ChatId is not { Length: > 0 and <= 64 } => "a telegram channel needs chatId (1 to 64 characters).",
            NotificationChannels.Email when channel.To is not { Count: > 0 and <= MaxRecipients } =>
                $"an email channel needs to: a list of 1 to {MaxRecipients} addresses.",
            NotificationChannels.Email when channel.To.FirstOrDefault(a => !MailAddress.TryCreate(a, out _)) is { } bad => $"'{bad}' is not a mail address.",
            NotificationChannels.Webhook or NotificationChannels.Slack or NotificationChannels.Telegram or NotificationChannels.Email => null,
            _ => $"channel type is one of {string.Join(", ", NotificationChannels.All)}, not '{channel.Type}'.",
        };
    }

    /// <summary>Where it goes (not secret) and the credential to keep encrypted, from valid channel settings.</summary>
    public static (string? Target, string? Secret) TargetAndSecret(ChannelInput channel, Func<string> newWebhookSecret) => channel.Type switch
    {
        NotificationChannels.Webhook => (channel.Url, channel.Secret ?? newWebhookSecret()),
        NotificationChannels.Slack => (null, channel.WebhookUrl),
        NotificationChannels.Telegram => (channel.ChatId, channel.BotToken),
        _ => (string.Join(",", channel.To!), null),
    };

    /// <summary>A generic webhook's signing key when the subscriber brings none: 256 random bits, base64url.</summary>
    public static string NewSigningSecret() =>
        "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool IsHttpUrl(string? url) =>
        url is { Length: <= 2048 } && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
        && !url.Any(char.IsWhiteSpace);

    [GeneratedRegex(@"^\d{1,20}:[A-Za-z0-9_-]{20,100}$")]
    private static partial Regex BotToken();
}
