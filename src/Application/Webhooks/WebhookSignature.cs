using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Comet.Domain.Projects;

namespace Comet.Application.Webhooks;

/// <summary>Checks that a delivery comes from the forge that knows the project's webhook secret.</summary>
public static class WebhookSignature
{
    private const string GithubPrefix = "sha256=";

    /// <summary>
    /// GitHub: <c>X-Hub-Signature-256: sha256=&lt;hex&gt;</c>; Gitea and generic: <c>X-Gitea-Signature: &lt;hex&gt;</c>,
    /// both HMAC-SHA256 of the raw body keyed with the secret. GitLab: <c>X-Gitlab-Token</c> is the secret itself.
    /// A missing, malformed or wrong value is false; so is an empty secret, which would let anyone sign.
    /// </summary>
    public static bool Verify(Forge forge, string secret, ReadOnlySpan<byte> body, string? signatureHeaderValue)
    {
        if (string.IsNullOrEmpty(secret) || signatureHeaderValue is null)
            return false;
        var value = signatureHeaderValue.AsSpan().Trim();

        switch (forge)
        {
            case Forge.Gitlab:
                return TokenEquals(secret, value);
            case Forge.Github:
                if (!value.StartsWith(GithubPrefix, StringComparison.Ordinal))
                    return false;
                return HmacEquals(secret, body, value[GithubPrefix.Length..]);
            case Forge.Gitea:
            case Forge.Generic:
                return HmacEquals(secret, body, value);
            default:
                return false;
        }
    }

    private static bool HmacEquals(string secret, ReadOnlySpan<byte> body, ReadOnlySpan<char> hex)
    {
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (hex.Length != given.Length * 2)
            return false;
        if (Convert.FromHexString(hex, given, out _, out var written) != OperationStatus.Done || written != given.Length)
            return false;

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, expected);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    // Hashing both sides first keeps the comparison constant-time in the token's length too.
    private static bool TokenEquals(string secret, ReadOnlySpan<char> token)
    {
        if (token.IsEmpty)
            return false;
        Span<byte> expected = stackalloc byte[SHA256.HashSizeInBytes];
        Span<byte> given = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(secret), expected);
        SHA256.HashData(Encoding.UTF8.GetBytes(token.ToArray()), given);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}
