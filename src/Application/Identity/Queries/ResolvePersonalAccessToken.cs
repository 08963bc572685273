using Comet.Application.Common.Interfaces;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Queries;

/// <summary>Who a presented personal access token stands for, or null when it is unknown, revoked or expired.</summary>
public sealed record ResolvePersonalAccessTokenQuery(string Token) : IRequest<TokenOwner?>;

public sealed record TokenOwner(SignedInUser User, IReadOnlyList<string> Scopes);

public sealed class ResolvePersonalAccessTokenHandler(ICometDbContext db, TimeProvider clock)
    : IRequestHandler<ResolvePersonalAccessTokenQuery, TokenOwner?>
{
    public async Task<TokenOwner?> Handle(ResolvePersonalAccessTokenQuery request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var hash = SecretHash.Of(request.Token);
        var token = await db.PersonalAccessTokens.FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (token is null || !token.IsUsable(now)) return null;
        // The owner's role is read now, on every request: a demoted owner's token loses what the owner lost.
        var user = await ResolveAccessTokenSubjectHandler.FindAsync(db, token.UserId, cancellationToken);
        if (user is null) return null;
        if (token.NoteUse(now)) await db.SaveChangesAsync(cancellationToken);
        return new TokenOwner(user, token.Scopes.Split(' '));
    }
}
