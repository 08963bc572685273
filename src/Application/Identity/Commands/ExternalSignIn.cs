using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Commands;

/// <summary>
/// Signs in a GitHub or GitLab account the provider vouched for: the user already linked to that account, else the
/// user with the same email when the provider says the email is verified, else a new user. Then Comet's tokens.
/// </summary>
public sealed record ExternalSignInCommand(
    string Provider, string ExternalId, string Login, string? Name, string? Email, bool EmailVerified) : IRequest<TokenPairDto>;

public sealed class ExternalSignInHandler(ICometDbContext db, TokenPairs tokens, TimeProvider clock, AuditTrail audit)
    : IRequestHandler<ExternalSignInCommand, TokenPairDto>
{
    public async Task<TokenPairDto> Handle(ExternalSignInCommand request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var link = await db.ExternalLogins.FirstOrDefaultAsync(l => l.Provider == request.Provider && l.ExternalId == request.ExternalId, cancellationToken);
        User? user = link is null ? null : await db.Users.FirstOrDefaultAsync(u => u.Id == link.UserId, cancellationToken);

        if (user is null && request.EmailVerified && !string.IsNullOrWhiteSpace(request.Email))
        {
            // Only a verified email proves the same person: anyone can type someone else's address into a profile.
            var email = request.Email.Trim().ToLowerInvariant();
            user = await db.Users.FirstOrDefaultAsync(u => u.Email != null && u.Email.ToLower() == email, cancellationToken);
        }
        if (user is null)
        {
            user = new User(await FreeUsernameAsync(request.Login, request.Provider, cancellationToken), request.Email, request.Name, SystemRole.User, now);
            db.Users.Add(user);
            audit.Record(AuditActions.UserCreated, target: $"user:{user.Username}", detail: $"from {request.Provider}", actorId: user.Id, actorName: user.Username);
        }
        if (link is null)
        {
            db.ExternalLogins.Add(new ExternalLogin(request.Provider, request.ExternalId, user.Id, now));
            audit.Record(AuditActions.ExternalAccountLinked, target: $"user:{user.Username}", detail: $"{request.Provider} account {request.Login} ({request.ExternalId})",
                actorId: user.Id, actorName: user.Username);
        }
        audit.Record(AuditActions.LoginSucceeded, detail: $"via {request.Provider}", actorId: user.Id, actorName: user.Username);
        var pair = tokens.Issue(user, Guid.CreateVersion7());
        await db.SaveChangesAsync(cancellationToken);
        return pair;
    }

    /// <summary>The provider's login if free, else login-provider, login-provider-2, …</summary>
    private async Task<string> FreeUsernameAsync(string login, string provider, CancellationToken cancellationToken)
    {
        foreach (var candidate in new[] { login, $"{login}-{provider}" }.Concat(Enumerable.Range(2, 50).Select(i => $"{login}-{provider}-{i}")))
        {
            var normalized = User.Normalize(candidate);
            if (!await db.Users.AnyAsync(u => u.NormalizedUsername == normalized, cancellationToken)) return candidate;
        }
        return $"{login}-{Guid.NewGuid():N}"[..Math.Min(64, login.Length + 33)];
    }
}
