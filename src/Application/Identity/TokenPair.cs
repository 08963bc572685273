using System.Security.Cryptography;
using System.Text.Json.Serialization;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;

namespace Comet.Application.Identity;

/// <summary>What login and refresh answer: a JWT for the API and a refresh token for the next pair.</summary>
public record TokenPairDto
{
    public required string AccessToken { get; init; }
    /// <summary>Absent when the client asked for it in the HttpOnly cookie instead (refreshTokenInCookie), so no script reads it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public required string? RefreshToken { get; init; }

    /// <summary>Seconds until the access token expires.</summary>
    public required int ExpiresIn { get; init; }

    public string TokenType { get; init; } = "Bearer";

    /// <summary>
    /// True after an admin reset: until POST /api/v1/me/password sets a password of the user's own, the token only
    /// reaches that, GET /api/v1/me and /auth.
    /// </summary>
    public bool PasswordChangeRequired { get; init; }
}

/// <summary>Makes token pairs; refresh tokens are random, shown once and stored only as their <see cref="SecretHash"/>.</summary>
public sealed class TokenPairs(ICometDbContext db, IAccessTokenIssuer issuer, TimeProvider clock)
{
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(30);

    public TokenPairDto Issue(User user, Guid familyId)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var refresh = "crt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        db.RefreshTokens.Add(new RefreshToken(user.Id, familyId, SecretHash.Of(refresh), now, now + RefreshTokenLifetime));
        var access = issuer.Issue(user);
        return new TokenPairDto
        {
            AccessToken = access.Token, RefreshToken = refresh, ExpiresIn = (int)access.Lifetime.TotalSeconds,
            PasswordChangeRequired = user.MustChangePassword,
        };
    }
}
