using Comet.Domain.Notifications;

namespace Comet.Application.Notifications;

public static class NotificationAuditActions
{
    public const string SubscriptionCreated = "subscription_created";
    public const string SubscriptionChanged = "subscription_changed";
    public const string SubscriptionDeleted = "subscription_deleted";

    /// <summary>What the audit log says about a subscription: never its credential.</summary>
    public static string Describe(Subscription s) =>
        $"{s.Channel} subscription {s.Id} to {string.Join(", ", s.Events)}{(s.Branches.Count > 0 ? $" on {string.Join(", ", s.Branches)}" : "")}"
        + (s.Muted ? " (muted)" : "");
}
