using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Identity;
using Comet.Domain.Outbound;
using Comet.Domain.Projects;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Outbound.Commands;

/// <summary>Sends a delivered or dead message again: it goes back to pending with its attempts reset. Audited.</summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record RedeliverMessageCommand(Guid MessageId) : IRequest<OutboxMessageDto>, IOutboxMessageRequest;

public sealed class RedeliverMessageHandler(ICometDbContext db, ICurrentUser user, AuditTrail audit, OutboxSignal signal, TimeProvider clock)
    : IRequestHandler<RedeliverMessageCommand, OutboxMessageDto>
{
    public async Task<OutboxMessageDto> Handle(RedeliverMessageCommand request, CancellationToken cancellationToken)
    {
        var message = await db.OutboxMessages.FirstOrDefaultAsync(m => m.Id == request.MessageId, cancellationToken);
        OutboxMessages.EnsureVisible(message, request.MessageId, user);
        if (message!.State == OutboxState.Pending)
            throw new ConflictException("This delivery is still pending: it is sent (again) on its own; redeliver a delivered or dead one.");
        var was = Domain.Common.StatusName.Of(message.State);
        message.Redeliver(clock.GetUtcNow().UtcDateTime);
        var slug = message.ProjectId is { } projectId
            ? await db.Projects.Where(p => p.Id == projectId).Select(p => p.Slug).FirstOrDefaultAsync(cancellationToken)
            : null;
        audit.Record(OutboxAuditActions.Redelivered, target: slug is null ? "instance" : $"project:{slug}",
            detail: $"{message.Id} ({message.Kind} to {message.Destination}, was {was}): {message.Summary}");
        await db.SaveChangesAsync(cancellationToken);
        signal.Notify();
        return OutboxMessages.ToDto(message);
    }
}
