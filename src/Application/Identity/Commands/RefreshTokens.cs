using System.ComponentModel.DataAnnotations;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Commands;

/// <summary>Exchanges a refresh token for a new pair; the old token stops working.</summary>
public sealed record RefreshTokensCommand : IRequest<TokenPairDto>
{
    [Required]
    public string? RefreshToken { get; init; }
}

public sealed class RefreshTokensValidator : AbstractValidator<RefreshTokensCommand>
{
    public RefreshTokensValidator() => RuleFor(c => c.RefreshToken).NotEmpty().MaximumLength(256);
}

public sealed class RefreshTokensHandler(ICometDbContext db, TokenPairs tokens, TimeProvider clock, AuditTrail audit)
    : IRequestHandler<RefreshTokensCommand, TokenPairDto>
{
    public async Task<TokenPairDto> Handle(RefreshTokensCommand request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var hash = SecretHash.Of(request.RefreshToken!);
        var token = await db.RefreshTokens.FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken)
            ?? throw new UnauthorizedException("The refresh token is not known.");

        if (token.UsedAt is not null && token.RevokedAt is null)
        {
            // Used twice: someone else holds a copy. End every token of this sign-in, the thief's and the owner's.
            await RevokeFamilyAsync.Run(db, token.FamilyId, now, cancellationToken);
            audit.Record(AuditActions.RefreshReuseDetected, target: $"sign-in:{token.FamilyId}", actorId: token.UserId,
                detail: "a spent refresh token was presented again; every token of the sign-in was revoked");
            await db.SaveChangesAsync(cancellationToken);
            throw new UnauthorizedException("The refresh token was already used; this sign-in has been ended everywhere. Sign in again.");
        }
        if (!token.IsUsable(now))
            throw new UnauthorizedException(token.RevokedAt is not null ? "The refresh token was revoked. Sign in again." : "The refresh token has expired. Sign in again.");

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == token.UserId, cancellationToken)
            ?? throw new UnauthorizedException("The refresh token's user no longer exists.");
        token.MarkUsed(now);
        var pair = tokens.Issue(user, token.FamilyId);
        await db.SaveChangesAsync(cancellationToken);
        return pair;
    }
}

/// <summary>Revokes every live token of a sign-in (a token family).</summary>
public static class RevokeFamilyAsync
{
    public static async Task Run(ICometDbContext db, Guid familyId, DateTime now, CancellationToken cancellationToken)
    {
        var family = await db.RefreshTokens.Where(t => t.FamilyId == familyId && t.RevokedAt == null).ToListAsync(cancellationToken);
        foreach (var member in family) member.Revoke(now);
    }
}
