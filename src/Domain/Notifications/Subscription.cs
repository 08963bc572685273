namespace Comet.Domain.Notifications;

/// <summary>
/// Who is told what, and how: a project's subscription (made by its maintainers) or a person's own (made by anyone for
/// the projects they belong to). Quiet by default: a project with no subscription sends nothing, and a muted one sends
/// nothing until unmuted.
/// </summary>
public sealed class Subscription
{
    public const int MaxBranchPatterns = 20;
    public const int MaxTemplateLength = 4000;

    private Subscription() { }

    public Subscription(Guid? projectId, Guid? userId, IReadOnlyList<string> events, IReadOnlyList<string> branches, string channel,
        string? target, string? protectedSecret, string? template, string createdBy, DateTime now)
    {
        if (projectId is null && userId is null) throw new Common.DomainException("A subscription belongs to a project or to a person.");
        if (events.Count == 0 || events.Any(e => !NotificationEvents.All.Contains(e)))
            throw new Common.DomainException($"A subscription names one or more of {string.Join(", ", NotificationEvents.All)}.");
        if (!NotificationChannels.All.Contains(channel)) throw new Common.DomainException($"'{channel}' is not a notification channel.");
        Id = Guid.CreateVersion7();
        ProjectId = projectId;
        UserId = userId;
        Events = [.. events.Distinct()];
        Branches = [.. branches];
        Channel = channel;
        Target = target;
        ProtectedSecret = protectedSecret;
        Template = template;
        CreatedBy = createdBy;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }

    /// <summary>The project whose events it hears; for a personal subscription, null means every project the person belongs to.</summary>
    public Guid? ProjectId { get; private set; }

    /// <summary>The person a personal subscription belongs to; null for a project's.</summary>
    public Guid? UserId { get; private set; }

    public List<string> Events { get; private set; } = [];

    /// <summary>Glob patterns of the branches whose runs it hears; empty: every branch (and runs of tags).</summary>
    public List<string> Branches { get; private set; } = [];

    /// <summary>webhook, slack, telegram or email (<see cref="NotificationChannels"/>).</summary>
    public string Channel { get; private set; } = "";

    /// <summary>Where it goes, not secret: the webhook URL, the Telegram chat id, or the mail addresses (comma-separated).</summary>
    public string? Target { get; private set; }

    /// <summary>
    /// The channel's credential, encrypted at rest: the webhook's signing key, the Slack incoming-webhook URL (which is
    /// itself the credential), or the Telegram bot token. Never returned; read only by the channel at send time.
    /// </summary>
    public string? ProtectedSecret { get; private set; }

    /// <summary>A Liquid template for the message text of every event it hears; null: the default for the event and channel.</summary>
    public string? Template { get; private set; }

    /// <summary>Liquid templates per event, over <see cref="Template"/> for that event.</summary>
    public Dictionary<string, string> Templates { get; private set; } = [];

    /// <summary>The template for one event: its own, else the subscription's, else null (the default).</summary>
    public string? TemplateFor(string notificationEvent) => Templates.GetValueOrDefault(notificationEvent) ?? Template;

    /// <summary>Sets the per-event templates (an empty map clears them).</summary>
    public void SetTemplates(IReadOnlyDictionary<string, string> templates)
    {
        if (templates.Keys.Any(e => !NotificationEvents.All.Contains(e)))
            throw new Common.DomainException($"Templates are per event: {string.Join(", ", NotificationEvents.All)}.");
        Templates = new Dictionary<string, string>(templates);
    }

    public bool Muted { get; private set; }
    public string CreatedBy { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }

    public void Change(IReadOnlyList<string>? events, IReadOnlyList<string>? branches, string? template, bool clearTemplate, bool? muted)
    {
        if (events is not null)
        {
            if (events.Count == 0 || events.Any(e => !NotificationEvents.All.Contains(e)))
                throw new Common.DomainException($"A subscription names one or more of {string.Join(", ", NotificationEvents.All)}.");
            Events = [.. events.Distinct()];
        }
        if (branches is not null) Branches = [.. branches];
        if (clearTemplate) Template = null;
        else if (template is not null) Template = template;
        if (muted is { } m) Muted = m;
    }

    public bool Hears(string notificationEvent) => !Muted && Events.Contains(notificationEvent);
}

/// <summary>The events a subscription can name (DESIGN.md).</summary>
public static class NotificationEvents
{
    public const string RunFailed = "run.failed";
    public const string RunFixed = "run.fixed";
    public const string RunSucceeded = "run.succeeded";
    public const string ApprovalRequested = "approval.requested";
    public const string DeploymentFinished = "deployment.finished";
    public const string DeliveryDead = "delivery.dead";

    public static readonly IReadOnlyList<string> All = [RunFailed, RunFixed, RunSucceeded, ApprovalRequested, DeploymentFinished, DeliveryDead];
}

public static class NotificationChannels
{
    public const string Webhook = "webhook";
    public const string Slack = "slack";
    public const string Telegram = "telegram";
    public const string Email = "email";

    public static readonly IReadOnlyList<string> All = [Webhook, Slack, Telegram, Email];
}
