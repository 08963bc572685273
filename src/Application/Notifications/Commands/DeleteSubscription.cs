using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Projects;
using Comet.Application.Common.Security;
using Comet.Application.Identity;
using Comet.Domain.Projects;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Notifications.Commands;

/// <summary>Deletes a project subscription; messages it already queued are refused at send time ("the subscription was deleted").</summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record DeleteSubscriptionCommand(string Slug, Guid Id) : IRequest<Unit>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class DeleteSubscriptionHandler(ICometDbContext db, AuditTrail audit) : IRequestHandler<DeleteSubscriptionCommand, Unit>
{
    public async Task<Unit> Handle(DeleteSubscriptionCommand request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var subscription = await db.Subscriptions.FirstOrDefaultAsync(s => s.Id == request.Id && s.ProjectId == projectId && s.UserId == null, cancellationToken)
            ?? throw new NotFoundException("subscription", request.Id.ToString());
        db.Subscriptions.Remove(subscription);
        audit.Record(NotificationAuditActions.SubscriptionDeleted, target: $"project:{request.Slug}", detail: NotificationAuditActions.Describe(subscription));
        await db.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
