using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Queries;

/// <summary>
/// The account behind a request, as the database has it now. Who the caller is and what they may do comes from here,
/// never from claims a token carries: a token only names its subject.
/// </summary>
/// <param name="MustChangePassword">After an admin reset: the account may only change its password (and see itself).</param>
public sealed record SignedInUser(Guid Id, string Username, SystemRole Role, bool MustChangePassword = false);

/// <summary>
/// The account an access token's subject names, or null when it no longer exists or its password was changed since
/// the token was issued (the token's <paramref name="SecurityStamp"/> is not the account's: null matches only an
/// account whose password never changed).
/// </summary>
public sealed record ResolveAccessTokenSubjectQuery(Guid UserId, string? SecurityStamp) : IRequest<SignedInUser?>;

public sealed class ResolveAccessTokenSubjectHandler(ICometDbContext db) : IRequestHandler<ResolveAccessTokenSubjectQuery, SignedInUser?>
{
    public async Task<SignedInUser?> Handle(ResolveAccessTokenSubjectQuery request, CancellationToken cancellationToken)
    {
        var found = await db.Users.AsNoTracking().Where(u => u.Id == request.UserId)
            .Select(u => new { User = new SignedInUser(u.Id, u.Username, u.Role, u.MustChangePassword), u.SecurityStamp })
            .FirstOrDefaultAsync(cancellationToken);
        return found is not null && found.SecurityStamp == request.SecurityStamp ? found.User : null;
    }

    /// <summary>One query for the user row, for personal access tokens (which outlive a password change, as GitHub's do).</summary>
    public static Task<SignedInUser?> FindAsync(ICometDbContext db, Guid userId, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new SignedInUser(u.Id, u.Username, u.Role, u.MustChangePassword))
            .FirstOrDefaultAsync(cancellationToken);
}
