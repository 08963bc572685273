using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Queries;

/// <summary>
/// The account behind a request, as the database has it now. Who the caller is and what they may do comes from here,
/// never from claims a token carries: a token only names its subject.
/// </summary>
public sealed record SignedInUser(Guid Id, string Username, SystemRole Role);

/// <summary>The account an access token's subject names, or null when it no longer exists.</summary>
public sealed record ResolveAccessTokenSubjectQuery(Guid UserId) : IRequest<SignedInUser?>;

public sealed class ResolveAccessTokenSubjectHandler(ICometDbContext db) : IRequestHandler<ResolveAccessTokenSubjectQuery, SignedInUser?>
{
    public Task<SignedInUser?> Handle(ResolveAccessTokenSubjectQuery request, CancellationToken cancellationToken) =>
        FindAsync(db, request.UserId, cancellationToken);

    /// <summary>One query for the user row; personal access tokens use it too.</summary>
    public static Task<SignedInUser?> FindAsync(ICometDbContext db, Guid userId, CancellationToken cancellationToken) =>
        db.Users.AsNoTracking().Where(u => u.Id == userId)
            .Select(u => new SignedInUser(u.Id, u.Username, u.Role))
            .FirstOrDefaultAsync(cancellationToken);
}
