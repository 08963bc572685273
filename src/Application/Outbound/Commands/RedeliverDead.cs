using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Identity;
using Comet.Application.Projects;
using Comet.Domain.Outbound;
using Comet.Domain.Projects;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Outbound.Commands;

public sealed record RedeliveredCount(int Count);

/// <summary>Every dead message of a project back to pending, attempts reset (after fixing a token, say). Audited.</summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record RedeliverDeadCommand : IRequest<RedeliveredCount>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    public string Slug { get; init; } = "";
}

public sealed class RedeliverDeadHandler(ICometDbContext db, AuditTrail audit, OutboxSignal signal, TimeProvider clock)
    : IRequestHandler<RedeliverDeadCommand, RedeliveredCount>
{
    public async Task<RedeliveredCount> Handle(RedeliverDeadCommand request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var dead = await db.OutboxMessages.Where(m => m.ProjectId == projectId && m.State == OutboxState.Dead).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var message in dead) message.Redeliver(now);
        if (dead.Count > 0)
        {
            audit.Record(OutboxAuditActions.DeadRedelivered, target: $"project:{request.Slug}", detail: $"{dead.Count} dead deliveries back to pending");
            await db.SaveChangesAsync(cancellationToken);
            signal.Notify();
        }
        return new RedeliveredCount(dead.Count);
    }
}
