using System.Text.Json.Serialization;
using Comet.Application.Common.Interfaces;
using Comet.Application.Projects;
using Comet.Application.Common.Security;
using Comet.Application.Identity;
using Comet.Application.Secrets;
using Comet.Domain.Notifications;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;

namespace Comet.Application.Notifications.Commands;

/// <summary>
/// A project subscription: the events it hears, an optional branch filter, a channel and an optional Liquid template.
/// The channel's credential (webhook signing key, Slack URL, bot token) is kept encrypted and never shown again; a
/// webhook's signing key Comet made is in this answer only.
/// </summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record CreateSubscriptionCommand : IRequest<SubscriptionDto>, IProjectRequest, ISubscriptionInput
{
    string? IProjectRequest.ProjectSlug => Slug;

    [JsonIgnore]
    public string Slug { get; init; } = "";
    public List<string>? Events { get; init; }
    public List<string>? Branches { get; init; }
    public ChannelInput? Channel { get; init; }
    public string? Template { get; init; }

    /// <summary>Liquid templates per event (over <see cref="Template"/> for that event).</summary>
    public Dictionary<string, string>? Templates { get; init; }
    public bool? Muted { get; init; }
}

public sealed class CreateSubscriptionValidator(INotificationTemplates templates, Microsoft.Extensions.Options.IOptions<Outbound.OutboundOptions> outbound)
    : SubscriptionInputValidator<CreateSubscriptionCommand>(templates, outbound);

public sealed class CreateSubscriptionHandler(ICometDbContext db, ICurrentUser user, ISecretProtector protector, AuditTrail audit, TimeProvider clock)
    : IRequestHandler<CreateSubscriptionCommand, SubscriptionDto>
{
    public async Task<SubscriptionDto> Handle(CreateSubscriptionCommand request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        string? madeSecret = null;
        var (target, secret) = SubscriptionRules.TargetAndSecret(request.Channel!, () => madeSecret = SubscriptionRules.NewSigningSecret());
        var subscription = new Subscription(projectId, userId: null, request.Events!, request.Branches ?? [], request.Channel!.Type!, target,
            secret is null ? null : protector.Protect(secret), request.Template, user.Username ?? "", clock.GetUtcNow().UtcDateTime);
        if (request.Muted == true) subscription.Change(null, null, null, clearTemplate: false, muted: true);
        subscription.SetTemplates(request.Templates ?? []);
        db.Subscriptions.Add(subscription);
        audit.Record(NotificationAuditActions.SubscriptionCreated, target: $"project:{request.Slug}", detail: NotificationAuditActions.Describe(subscription));
        await db.SaveChangesAsync(cancellationToken);
        return SubscriptionDto.From(subscription) with { SigningSecret = madeSecret };
    }
}
