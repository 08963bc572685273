using System.Security.Claims;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Comet.Infrastructure.Identity;

/// <summary>
/// Access tokens: RS256 JWTs with sub, name, iss, aud, the signing key's kid and, once the password was changed, the
/// account's security stamp. No role: the orchestrator reads the
/// role from the database on every request, and nothing else (the gateway included) decides on one.
/// </summary>
public sealed class JwtAccessTokens(SigningKeys keys, IOptions<CometIdentityOptions> options, TimeProvider clock) : IAccessTokenIssuer
{
    /// <summary>The account's security stamp when the token was issued; a password change makes it stale.</summary>
    public const string StampClaim = "stamp";

    private readonly JsonWebTokenHandler _handler = new();

    public IssuedAccessToken Issue(User user)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow().UtcDateTime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.AccessTokenLifetime,
            Subject = new ClaimsIdentity(user.SecurityStamp is null
                ? [new Claim("sub", user.Id.ToString()), new Claim("name", user.Username)]
                : [new Claim("sub", user.Id.ToString()), new Claim("name", user.Username), new Claim(StampClaim, user.SecurityStamp)]),
            SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.RsaSha256),
        });
        return new IssuedAccessToken(token, settings.AccessTokenLifetime);
    }

    /// <summary>What the orchestrator accepts: its own keys, issuer and audience, RS256 only, 30 s of clock skew.</summary>
    public static TokenValidationParameters ValidationParameters(SigningKeys keys, CometIdentityOptions settings) => new()
    {
        ValidIssuer = settings.Issuer,
        ValidAudience = settings.Audience,
        IssuerSigningKeys = keys.Keys,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        NameClaimType = "name",
    };
}
