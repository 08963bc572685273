using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Identity;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Commands;

/// <summary>Revokes one of the caller's tokens; it stops working on the next request.</summary>
[RequiresSignIn]
public sealed record RevokePersonalAccessTokenCommand(Guid UserId, Guid TokenId) : IRequest<Unit>;

public sealed class RevokePersonalAccessTokenHandler(ICometDbContext db, TimeProvider clock, AuditTrail audit)
    : IRequestHandler<RevokePersonalAccessTokenCommand, Unit>
{
    public async Task<Unit> Handle(RevokePersonalAccessTokenCommand request, CancellationToken cancellationToken)
    {
        // Someone else's token is "not found": its existence is none of the caller's business.
        var token = await db.PersonalAccessTokens.FirstOrDefaultAsync(t => t.Id == request.TokenId && t.UserId == request.UserId, cancellationToken)
            ?? throw new NotFoundException("token", request.TokenId.ToString());
        token.Revoke(clock.GetUtcNow().UtcDateTime);
        audit.Record(AuditActions.TokenRevoked, target: $"token:{token.Id}", detail: token.Name, actorId: request.UserId);
        await db.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
