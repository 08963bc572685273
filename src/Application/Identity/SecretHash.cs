using System.Security.Cryptography;
using System.Text;

namespace Comet.Application.Identity;

/// <summary>How refresh tokens and personal access tokens are stored and looked up: their SHA-256, never the secret.</summary>
public static class SecretHash
{
    public static string Of(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
