using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>
/// Access tokens made by a test, signed with the orchestrator's own private key (read from its data folder, as an
/// attacker who reached that folder would) or with a stranger's key, so that only the thing under test is wrong.
/// </summary>
public static class TestTokens
{
    public static string SignedWithServerKey(string dataDir, Guid subject, IEnumerable<Claim>? extraClaims = null,
        string issuer = "comet", string audience = "comet-api", DateTime? expires = null, string algorithm = SecurityAlgorithms.RsaSha256)
    {
        var keyFile = Directory.GetFiles(Path.Combine(dataDir, "keys"), "signing-*.pem").Single();
        using var rsa = RSA.Create();
        rsa.ImportFromPem(File.ReadAllText(keyFile));
        var key = new RsaSecurityKey(rsa) { KeyId = Path.GetFileNameWithoutExtension(keyFile)["signing-".Length..] };
        return Sign(key, subject, extraClaims, issuer, audience, expires, algorithm);
    }

    /// <summary>Signed with a fresh RSA key that is not the server's, under the key id <paramref name="kid"/>.</summary>
    public static string SignedWithForeignKey(string kid, Guid subject, IEnumerable<Claim>? extraClaims = null)
    {
        using var rsa = RSA.Create(2048);
        return Sign(new RsaSecurityKey(rsa) { KeyId = kid }, subject, extraClaims, "comet", "comet-api", null, SecurityAlgorithms.RsaSha256);
    }

    /// <summary>The key id of the server's signing key, as its tokens name it.</summary>
    public static string ServerKeyId(string dataDir) =>
        Path.GetFileNameWithoutExtension(Directory.GetFiles(Path.Combine(dataDir, "keys"), "signing-*.pem").Single())["signing-".Length..];

    public static Claim[] RoleAdmin => [new("role", "admin")];

    private static string Sign(SecurityKey key, Guid subject, IEnumerable<Claim>? extraClaims, string issuer, string audience, DateTime? expires, string algorithm)
    {
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(5);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expiry.AddMinutes(-10),
            NotBefore = expiry.AddMinutes(-10),
            Expires = expiry,
            Subject = new ClaimsIdentity(new[] { new Claim("sub", subject.ToString()) }.Concat(extraClaims ?? [])),
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }
}
