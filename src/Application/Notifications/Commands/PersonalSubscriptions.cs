using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Identity;
using Comet.Application.Secrets;
using Comet.Domain.Notifications;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Notifications.Commands;

/// <summary>
/// A person's own subscription: the events of one project they belong to, or of every project they belong to (no
/// project). Membership is checked when a message is made, so leaving a project stops its messages.
/// </summary>
[RequiresSignIn]
public sealed record CreatePersonalSubscriptionCommand : IRequest<SubscriptionDto>, ISubscriptionInput
{
    /// <summary>The project's slug; null: every project the person belongs to.</summary>
    public string? Project { get; init; }
    public List<string>? Events { get; init; }
    public List<string>? Branches { get; init; }
    public ChannelInput? Channel { get; init; }
    public string? Template { get; init; }

    /// <summary>Liquid templates per event (over <see cref="Template"/> for that event).</summary>
    public Dictionary<string, string>? Templates { get; init; }
}

public sealed class CreatePersonalSubscriptionValidator(INotificationTemplates templates, Microsoft.Extensions.Options.IOptions<Outbound.OutboundOptions> outbound)
    : SubscriptionInputValidator<CreatePersonalSubscriptionCommand>(templates, outbound);

public sealed class CreatePersonalSubscriptionHandler(ICometDbContext db, ICurrentUser user, ISecretProtector protector, AuditTrail audit, TimeProvider clock)
    : IRequestHandler<CreatePersonalSubscriptionCommand, SubscriptionDto>
{
    public async Task<SubscriptionDto> Handle(CreatePersonalSubscriptionCommand request, CancellationToken cancellationToken)
    {
        var me = user.UserId!.Value;
        Guid? projectId = null;
        if (request.Project is { } slug)
        {
            var project = await db.Projects.AsNoTracking().Where(p => p.Slug == slug).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken);
            // Not a member: the same 404 as for a project that does not exist, so slugs are not probed.
            if (project is null || (!user.IsAdmin && !await db.ProjectMembers.AnyAsync(m => m.ProjectId == project && m.UserId == me, cancellationToken)))
                throw new NotFoundException("project", slug);
            projectId = project;
        }
        string? madeSecret = null;
        var (target, secret) = SubscriptionRules.TargetAndSecret(request.Channel!, () => madeSecret = SubscriptionRules.NewSigningSecret());
        var subscription = new Subscription(projectId, me, request.Events!, request.Branches ?? [], request.Channel!.Type!, target,
            secret is null ? null : protector.Protect(secret), request.Template, user.Username ?? "", clock.GetUtcNow().UtcDateTime);
        subscription.SetTemplates(request.Templates ?? []);
        db.Subscriptions.Add(subscription);
        audit.Record(NotificationAuditActions.SubscriptionCreated, target: $"user:{user.Username}", detail: NotificationAuditActions.Describe(subscription));
        await db.SaveChangesAsync(cancellationToken);
        return SubscriptionDto.From(subscription) with { SigningSecret = madeSecret };
    }
}

/// <summary>The caller's own subscriptions, oldest first.</summary>
[RequiresSignIn]
public sealed record ListMySubscriptionsQuery : IRequest<IReadOnlyList<SubscriptionDto>>;

public sealed class ListMySubscriptionsHandler(ICometDbContext db, ICurrentUser user) : IRequestHandler<ListMySubscriptionsQuery, IReadOnlyList<SubscriptionDto>>
{
    public async Task<IReadOnlyList<SubscriptionDto>> Handle(ListMySubscriptionsQuery request, CancellationToken cancellationToken)
    {
        var rows = await db.Subscriptions.AsNoTracking().Where(s => s.UserId == user.UserId).OrderBy(s => s.CreatedAt).ToListAsync(cancellationToken);
        return rows.Select(SubscriptionDto.From).ToList();
    }
}

/// <summary>Mutes, unmutes or deletes one of the caller's own subscriptions (another person's is a 404).</summary>
[RequiresSignIn]
public sealed record ChangeMySubscriptionCommand(Guid Id, bool? Muted, bool Delete) : IRequest<SubscriptionDto?>;

public sealed class ChangeMySubscriptionHandler(ICometDbContext db, ICurrentUser user, AuditTrail audit) : IRequestHandler<ChangeMySubscriptionCommand, SubscriptionDto?>
{
    public async Task<SubscriptionDto?> Handle(ChangeMySubscriptionCommand request, CancellationToken cancellationToken)
    {
        var subscription = await db.Subscriptions.FirstOrDefaultAsync(s => s.Id == request.Id && s.UserId == user.UserId, cancellationToken)
            ?? throw new NotFoundException("subscription", request.Id.ToString());
        if (request.Delete) db.Subscriptions.Remove(subscription);
        else subscription.Change(null, null, null, clearTemplate: false, request.Muted);
        audit.Record(request.Delete ? NotificationAuditActions.SubscriptionDeleted : NotificationAuditActions.SubscriptionChanged,
            target: $"user:{user.Username}", detail: NotificationAuditActions.Describe(subscription));
        await db.SaveChangesAsync(cancellationToken);
        return request.Delete ? null : SubscriptionDto.From(subscription);
    }
}
