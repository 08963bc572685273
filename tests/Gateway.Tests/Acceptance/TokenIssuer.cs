using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Comet.Gateway.Tests.Acceptance;

/// <summary>An RSA signing key made for the test, published through a JWKS file the gateway reads.</summary>
public sealed class SigningKey : IDisposable
{
    private readonly RSA _rsa = RSA.Create(2048);

    public SigningKey(string kid) => Kid = kid;

    public string Kid { get; }

    public SigningCredentials Credentials => new(new RsaSecurityKey(_rsa) { KeyId = Kid }, SecurityAlgorithms.RsaSha256);

    public Dictionary<string, string> PublicJwk()
    {
        var parameters = _rsa.ExportParameters(includePrivateParameters: false);
        return new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["alg"] = "RS256",
            ["kid"] = Kid,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus!),
            ["e"] = Base64UrlEncoder.Encode(parameters.Exponent!),
        };
    }

    public void Dispose() => _rsa.Dispose();
}

/// <summary>Issues JWTs the way an identity provider would, and writes the JWKS the gateway is pointed at.</summary>
public sealed class TokenIssuer : IDisposable
{
    public const string Issuer = "https://login.comet.test/";
    public const string Audience = "comet-api";

    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public TokenIssuer(string jwksPath)
    {
        JwksPath = jwksPath;
        PublishKeys(Key);
    }

    public string JwksPath { get; }

    public SigningKey Key { get; } = new("key-1");

    /// <summary>The settings that point the gateway at this issuer.</summary>
    public Dictionary<string, string?> GatewaySettings() => new()
    {
        ["Gateway:Jwt:JwksFile"] = JwksPath,
        ["Gateway:Jwt:Issuer"] = Issuer,
        ["Gateway:Jwt:Audience"] = Audience,
    };

    /// <summary>Replaces the JWKS file with these keys' public halves.</summary>
    public void PublishKeys(params SigningKey[] keys)
    {
        var jwks = new { keys = keys.Select(k => k.PublicJwk()).ToArray() };
        var temp = JwksPath + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(jwks));
        File.Move(temp, JwksPath, overwrite: true);
    }

    /// <summary>A token signed with <see cref="Key"/> unless told otherwise, valid now for ten minutes.</summary>
    public string Token(
        string subject = "alice",
        IReadOnlyDictionary<string, object>? claims = null,
        SigningKey? signWith = null,
        string issuer = Issuer,
        string audience = Audience,
        DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        var expiry = expires ?? now.AddMinutes(10);
        var notBefore = expiry < now ? expiry.AddMinutes(-10) : now.AddMinutes(-1);
        var allClaims = new Dictionary<string, object> { ["sub"] = subject };
        foreach (var (name, value) in claims ?? new Dictionary<string, object>())
            allClaims[name] = value;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = allClaims,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expiry,
            SigningCredentials = (signWith ?? Key).Credentials,
        });
    }

    public void Dispose() => Key.Dispose();
}
