using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;

namespace Comet.Application.Identity;

/// <summary>Appends audit events to the unit of work; they are stored with the change they describe.</summary>
public sealed class AuditTrail(ICometDbContext db, ICurrentUser user, TimeProvider clock)
{
    public AuditEvent Record(string action, string? target = null, string? detail = null, Guid? actorId = null, string? actorName = null)
    {
        var auditEvent = new AuditEvent(action, clock.GetUtcNow().UtcDateTime, actorId ?? user.UserId, actorName ?? user.Username,
            target, detail, user.ClientAddress);
        db.AuditEvents.Add(auditEvent);
        return auditEvent;
    }
}
