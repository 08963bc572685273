using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Identity;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Commands;

/// <summary>
/// The signed-in user sets a new password. Every other sign-in ends (refresh tokens revoked, older access tokens
/// refused); the caller gets a fresh pair so this session goes on. Personal access tokens keep working unless asked
/// otherwise, as GitHub's do: scripts should not break because a person changed their password.
/// </summary>
[RequiresSignIn]
public sealed record ChangePasswordCommand : IRequest<PasswordChangedDto>
{
    public string? CurrentPassword { get; init; }
    public string? NewPassword { get; init; }

    /// <summary>Also revoke every personal access token of the account (default false: they are kept).</summary>
    public bool RevokePersonalAccessTokens { get; init; }

    /// <summary>For browsers: the new refresh token comes in an HttpOnly cookie (set by the endpoint), not in the answer's body.</summary>
    public bool RefreshTokenInCookie { get; init; }
}

/// <summary>A new token pair for the caller, and what happened to the account's other ways in.</summary>
public sealed record PasswordChangedDto : TokenPairDto
{
    /// <summary>Sign-ins (refresh token families) that were live and have been ended, the caller's own included.</summary>
    public required int EndedSessions { get; init; }
    public required int PersonalAccessTokensKept { get; init; }
    public required int PersonalAccessTokensRevoked { get; init; }
}

public sealed class ChangePasswordValidator : AbstractValidator<ChangePasswordCommand>
{
    public ChangePasswordValidator()
    {
        RuleFor(c => c.CurrentPassword).NotEmpty().MaximumLength(1024);
        RuleFor(c => c.NewPassword).ValidNewPassword();
        RuleFor(c => c.NewPassword).NotEqual(c => c.CurrentPassword, StringComparer.Ordinal)
            .WithMessage("'New Password' must differ from the current password.");
    }
}

public sealed class ChangePasswordHandler(ICometDbContext db, ICurrentUser caller, IPasswordHasher hasher, TokenPairs tokens,
    LoginThrottle throttle, AuditTrail audit, TimeProvider clock) : IRequestHandler<ChangePasswordCommand, PasswordChangedDto>
{
    /// <summary>403, not 401: the caller's token is fine, and a 401 would make clients drop their session.</summary>
    public const string WrongPassword = "The current password is wrong.";

    public async Task<PasswordChangedDto> Handle(ChangePasswordCommand request, CancellationToken cancellationToken)
    {
        // A personal access token is for scripts; a leaked one must not be enough to take the account over.
        if (caller.Scopes is not null)
            throw new ForbiddenException("Changing a password needs a sign-in (POST /auth/login), not a personal access token.");
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == caller.UserId, cancellationToken)
            ?? throw new UnauthorizedException("The signed-in account no longer exists.");

        // Guessing the current password through this endpoint is guessing a sign-in: the same counts and locks.
        var delay = throttle.Admit(user.NormalizedUsername, caller.ClientAddress);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, cancellationToken);
        if (user.PasswordHash is null || !hasher.Verify(user, user.PasswordHash, request.CurrentPassword!))
        {
            throttle.Failed(user.NormalizedUsername, caller.ClientAddress);
            audit.Record(AuditActions.PasswordChangeFailed, target: $"user:{user.Username}", detail: "wrong current password");
            await db.SaveChangesAsync(cancellationToken);
            throw new ForbiddenException(WrongPassword);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        user.ChangePassword(hasher.Hash(user, request.NewPassword!), now, mustChange: false);
        var ended = await AccountSessions.EndAllAsync(db, user.Id, now, cancellationToken);
        var pats = await AccountSessions.PersonalAccessTokensAsync(db, user.Id, request.RevokePersonalAccessTokens, now, cancellationToken);
        var pair = tokens.Issue(user, familyId: Guid.CreateVersion7());
        audit.Record(AuditActions.PasswordChanged, target: $"user:{user.Username}",
            detail: $"{ended} sign-in(s) ended; personal access tokens: {pats.Kept} kept, {pats.Revoked} revoked");
        await db.SaveChangesAsync(cancellationToken);
        return new PasswordChangedDto
        {
            AccessToken = pair.AccessToken, RefreshToken = pair.RefreshToken, ExpiresIn = pair.ExpiresIn,
            PasswordChangeRequired = pair.PasswordChangeRequired,
            EndedSessions = ended, PersonalAccessTokensKept = pats.Kept, PersonalAccessTokensRevoked = pats.Revoked,
        };
    }
}
