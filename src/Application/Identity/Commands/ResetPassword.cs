using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Identity;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Commands;

/// <summary>
/// An admin (or `reset-admin` on the server's command line) gives an account a new password: a random one-time
/// password shown once, or the one given. Every sign-in of the account ends, and by default the account may do nothing
/// but change the password until its owner has.
/// </summary>
[RequiresAdmin]
public sealed record ResetPasswordCommand : IRequest<PasswordResetDto>
{
    /// <summary>From the route.</summary>
    public string? Username { get; init; }

    /// <summary>The new password; omitted, a random one is made and returned once.</summary>
    public string? Password { get; init; }

    /// <summary>The account must pick a password of its own before anything else (default true).</summary>
    public bool? MustChangePassword { get; init; }

    /// <summary>Also revoke the account's personal access tokens (default false: kept, as on a change).</summary>
    public bool RevokePersonalAccessTokens { get; init; }
}

public sealed record PasswordResetDto
{
    public required string Username { get; init; }

    /// <summary>The generated one-time password, shown this once; null when the admin gave the password.</summary>
    public string? Password { get; init; }
    public required bool MustChangePassword { get; init; }
    public required int EndedSessions { get; init; }
    public required int PersonalAccessTokensKept { get; init; }
    public required int PersonalAccessTokensRevoked { get; init; }
}

public sealed class ResetPasswordValidator : AbstractValidator<ResetPasswordCommand>
{
    public ResetPasswordValidator()
    {
        RuleFor(c => c.Username).NotEmpty().MaximumLength(64);
        RuleFor(c => c.Password).ValidNewPassword().When(c => c.Password is not null);
    }
}

public sealed class ResetPasswordHandler(ICometDbContext db, ICurrentUser caller, IPasswordHasher hasher, AuditTrail audit, TimeProvider clock)
    : IRequestHandler<ResetPasswordCommand, PasswordResetDto>
{
    public async Task<PasswordResetDto> Handle(ResetPasswordCommand request, CancellationToken cancellationToken)
    {
        var normalized = User.Normalize(request.Username!);
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, cancellationToken)
            ?? throw new NotFoundException("user", request.Username!);

        var generated = request.Password is null ? OneTimePassword.New() : null;
        var mustChange = request.MustChangePassword ?? true;
        var now = clock.GetUtcNow().UtcDateTime;
        user.ChangePassword(hasher.Hash(user, generated ?? request.Password!), now, mustChange);
        var ended = await AccountSessions.EndAllAsync(db, user.Id, now, cancellationToken);
        var pats = await AccountSessions.PersonalAccessTokensAsync(db, user.Id, request.RevokePersonalAccessTokens, now, cancellationToken);
        // Never the password itself: only whether it was made here and what the account must do next.
        audit.Record(AuditActions.PasswordReset, target: $"user:{user.Username}",
            actorName: caller.IsSystem ? "reset-admin (server command line)" : null,
            detail: $"{(generated is null ? "password given by the admin" : "one-time password generated")}; "
                + $"{(mustChange ? "must change it at next sign-in" : "no change required")}; {ended} sign-in(s) ended; "
                + $"personal access tokens: {pats.Kept} kept, {pats.Revoked} revoked");
        await db.SaveChangesAsync(cancellationToken);
        return new PasswordResetDto
        {
            Username = user.Username, Password = generated, MustChangePassword = mustChange,
            EndedSessions = ended, PersonalAccessTokensKept = pats.Kept, PersonalAccessTokensRevoked = pats.Revoked,
        };
    }
}
