using System.Security.Cryptography;
using Comet.Application.Common.Interfaces;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity;

/// <summary>What a password change or reset does to an account's other ways in.</summary>
public static class AccountSessions
{
    /// <summary>
    /// Revokes every refresh token of the account, so no sign-in can get a new access token; returns how many
    /// sign-ins were still live. (Access tokens stop with the security stamp the change gives the account.)
    /// </summary>
    public static async Task<int> EndAllAsync(ICometDbContext db, Guid userId, DateTime now, CancellationToken cancellationToken)
    {
        var tokens = await db.RefreshTokens.Where(t => t.UserId == userId && t.RevokedAt == null).ToListAsync(cancellationToken);
        var live = tokens.Where(t => t.IsUsable(now)).Select(t => t.FamilyId).Distinct().Count();
        foreach (var token in tokens) token.Revoke(now);
        return live;
    }

    /// <summary>Revokes the account's personal access tokens when asked to, else counts the ones that keep working.</summary>
    public static async Task<PersonalAccessTokenOutcome> PersonalAccessTokensAsync(ICometDbContext db, Guid userId, bool revoke, DateTime now,
        CancellationToken cancellationToken)
    {
        var tokens = (await db.PersonalAccessTokens.Where(t => t.UserId == userId && t.RevokedAt == null).ToListAsync(cancellationToken))
            .Where(t => t.IsUsable(now)).ToList();
        if (!revoke) return new PersonalAccessTokenOutcome(Kept: tokens.Count, Revoked: 0);
        foreach (var token in tokens) token.Revoke(now);
        return new PersonalAccessTokenOutcome(Kept: 0, Revoked: tokens.Count);
    }
}

public sealed record PersonalAccessTokenOutcome(int Kept, int Revoked);

/// <summary>Random passwords that a person types once: no look-alike characters (0/O, 1/l/I).</summary>
public static class OneTimePassword
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>20 characters of a 56-letter alphabet: about 116 bits.</summary>
    public static string New() => RandomNumberGenerator.GetString(Alphabet, 20);
}
