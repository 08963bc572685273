using Comet.Domain.Notifications;

namespace Comet.Application.Notifications;

/// <summary>
/// The text each event sends when a subscription brings no template of its own. Slack gets its link syntax; the others
/// plain text with the link on its own line. The model is <see cref="NotificationModel"/>'s.
/// </summary>
public static class DefaultTemplates
{
    private const string Run = "{{ project.name }} run #{{ run.number }} on {{ run.ref_name }} ({{ run.short_sha }})";

    public static string For(string notificationEvent, string channel)
    {
        var what = notificationEvent switch
        {
            NotificationEvents.RunFailed => $"❌ {Run} {{{{ run.status }}}}",
            NotificationEvents.RunFixed => $"✅ {Run} is fixed",
            NotificationEvents.RunSucceeded => $"✅ {Run} succeeded",
            NotificationEvents.ApprovalRequested => $"⏸ {Run}: job {{{{ job.name }}}} waits for approval{{% if job.environment %}} to deploy to {{{{ job.environment }}}}{{% endif %}}",
            NotificationEvents.DeploymentFinished => $"🚀 {Run}: deployment to {{{{ deployment.environment }}}} {{{{ deployment.status }}}}",
            NotificationEvents.DeliveryDead => "⚠ {{ project.name }}: a delivery was given up after {{ delivery.attempts }} attempts: {{ delivery.summary }} ({{ delivery.last_error }})",
            _ => throw new ArgumentOutOfRangeException(nameof(notificationEvent), notificationEvent, "not a notification event"),
        };
        return channel == NotificationChannels.Slack
            ? what.Replace("run #{{ run.number }}", "<{{ link }}|run #{{ run.number }}>")
            : what + "\n{{ link }}";
    }

    /// <summary>The mail subject: the first line of the default text, without its link.</summary>
    public static string Subject(string notificationEvent) => "[Comet] " + For(notificationEvent, NotificationChannels.Email).Split('\n')[0];
}
