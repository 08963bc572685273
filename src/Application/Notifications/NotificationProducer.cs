using System.Text.Json;
using Comet.Application.Common.Interfaces;
using Comet.Application.Outbound;
using Comet.Application.Pipelines;
using Comet.Application.Runs.Changes;
using Comet.Domain.Environments;
using Comet.Domain.Identity;
using Comet.Domain.Notifications;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Notifications;

/// <summary>
/// Turns run state changes and dead-lettered deliveries into notifications: for each subscription that hears the event
/// (not muted, the run's branch matching), one outbox message with the rendered text, written in the same transaction as
/// the change. A project with no subscription sends nothing.
/// </summary>
public sealed class NotificationProducer(IOutbox outbox, INotificationTemplates templates, IEnumerable<IPublicAddress> addresses)
    : IRunChangeHandler, IDeadLetterHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task OnChangesAsync(IReadOnlyList<RunChange> changes, ICometDbContext db, CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            var notification = change.Kind switch
            {
                RunChangeKind.Run when change.To is "failed" or "error" => NotificationEvents.RunFailed,
                RunChangeKind.Run when change.To == "success" => NotificationEvents.RunSucceeded,
                RunChangeKind.Job when change.To == "waiting_for_approval" => NotificationEvents.ApprovalRequested,
                RunChangeKind.Deployment when change.From is not null && change.To is "success" or "failed" or "cancelled" or "error"
                    => NotificationEvents.DeploymentFinished,
                _ => null,
            };
            if (notification is null) continue;
            var run = change.Run ?? await db.Runs.FirstOrDefaultAsync(r => r.Id == change.RunId, cancellationToken);
            if (run is null) continue;
            var subscriptions = await HearingAsync(db, run.ProjectId, cancellationToken);
            if (subscriptions.Count == 0) continue;

            var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == run.ProjectId, cancellationToken);
            var link = addresses.FirstOrDefault()?.RunLink(run.Id);
            var model = NotificationModel.Of(notification, project, run, link);
            if (change.Job is { } job) model["job"] = NotificationModel.JobPart(job);
            if (change.Deployment is { } deployment) model["deployment"] = await DeploymentPartAsync(db, deployment, cancellationToken);

            Send(subscriptions, notification, project, run, model, link);
            if (notification == NotificationEvents.RunSucceeded && await FollowsAFailureAsync(db, run, cancellationToken))
                Send(subscriptions, NotificationEvents.RunFixed, project, run, model, link);
        }
    }

    public async Task OnDeadAsync(DeadLetter dead, ICometDbContext db, CancellationToken cancellationToken)
    {
        // A notification about a dead notification-about-a-dead-delivery would chase its own tail.
        if (dead.ProjectId is not { } projectId || dead.Summary.StartsWith(NotificationEvents.DeliveryDead, StringComparison.Ordinal)) return;
        var subscriptions = await HearingAsync(db, projectId, cancellationToken);
        if (subscriptions.Count == 0) return;
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == projectId, cancellationToken);
        var model = NotificationModel.Of(NotificationEvents.DeliveryDead, project, run: null, link: null);
        model["delivery"] = NotificationModel.DeliveryPart(dead);
        Send(subscriptions, NotificationEvents.DeliveryDead, project, run: null, model, link: null);
    }

    /// <summary>The project's own subscriptions, and personal ones of people who may see the project (members and admins).</summary>
    private static async Task<List<Subscription>> HearingAsync(ICometDbContext db, Guid projectId, CancellationToken cancellationToken)
    {
        var candidates = await db.Subscriptions.AsNoTracking()
            .Where(s => !s.Muted && (s.ProjectId == projectId || (s.UserId != null && s.ProjectId == null)))
            .ToListAsync(cancellationToken);
        var personalOwners = candidates.Where(s => s.UserId is not null).Select(s => s.UserId!.Value).Distinct().ToList();
        if (personalOwners.Count == 0) return candidates;
        var allowed = await db.ProjectMembers.Where(m => m.ProjectId == projectId && personalOwners.Contains(m.UserId)).Select(m => m.UserId)
            .Union(db.Users.Where(u => personalOwners.Contains(u.Id) && u.Role == SystemRole.Admin).Select(u => u.Id))
            .ToListAsync(cancellationToken);
        return candidates.Where(s => s.UserId is null || allowed.Contains(s.UserId.Value)).ToList();
    }

    /// <summary>Run fixed: the latest earlier run of the same branch that ended (other than cancelled) failed.</summary>
    private static async Task<bool> FollowsAFailureAsync(ICometDbContext db, PipelineRun run, CancellationToken cancellationToken)
    {
        if (run.Branch is not { } branch) return false;
        var previous = await db.Runs.AsNoTracking()
            .Where(r => r.ProjectId == run.ProjectId && r.Branch == branch && r.Number < run.Number
                        && (r.Status == RunStatus.Success || r.Status == RunStatus.Failed || r.Status == RunStatus.Error))
            .OrderByDescending(r => r.Number).Select(r => (RunStatus?)r.Status).FirstOrDefaultAsync(cancellationToken);
        return previous is RunStatus.Failed or RunStatus.Error;
    }

    private static async Task<Dictionary<string, object?>> DeploymentPartAsync(ICometDbContext db, Deployment deployment, CancellationToken cancellationToken)
    {
        var environment = await db.Environments.AsNoTracking().Where(e => e.Id == deployment.EnvironmentId).Select(e => e.Name)
            .FirstOrDefaultAsync(cancellationToken);
        return new Dictionary<string, object?>
        {
            ["environment"] = environment, ["status"] = Domain.Common.StatusName.Of(deployment.Status), ["job"] = deployment.JobName,
            ["url"] = deployment.Url,
        };
    }

    private void Send(List<Subscription> subscriptions, string notification, Project project, PipelineRun? run,
        Dictionary<string, object?> model, string? link)
    {
        foreach (var subscription in subscriptions.Where(s => s.Hears(notification) && Matches(s, run, notification)))
        {
            var eventModel = new Dictionary<string, object?>(model) { ["event"] = notification };
            var text = templates.Render(subscription.TemplateFor(notification) ?? DefaultTemplates.For(notification, subscription.Channel), eventModel);
            var subject = templates.Render(DefaultTemplates.Subject(notification), eventModel);
            var payload = new NotificationPayload(notification, subject, text, link, eventModel);
            outbox.Enqueue(new OutboundMessage(project.Id, OutboundKinds.Notification, subscription.Channel, DestinationOf(subscription),
                JsonSerializer.Serialize(payload, Json),
                $"{notification} via {subscription.Channel}{(run is null ? "" : $" for run #{run.Number}")}")
            {
                SourceId = subscription.Id,
                RunId = run?.Id,
            });
        }
    }

    private static bool Matches(Subscription subscription, PipelineRun? run, string notification) =>
        notification == NotificationEvents.DeliveryDead || subscription.Branches.Count == 0
        || (run?.Branch is { } branch && subscription.Branches.Any(p => GlobPattern.IsMatch(p, branch)));

    /// <summary>The circuit-breaker key: the webhook's host, or the service (Slack, Telegram, the SMTP server) for the others.</summary>
    private static string DestinationOf(Subscription subscription) =>
        subscription.Channel == NotificationChannels.Webhook && Uri.TryCreate(subscription.Target, UriKind.Absolute, out var uri)
            ? uri.GetLeftPart(UriPartial.Authority)
            : subscription.Channel;
}
