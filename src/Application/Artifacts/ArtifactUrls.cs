using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Comet.Application.Common.Interfaces;

namespace Comet.Application.Artifacts;

/// <summary>
/// Pre-signed download URLs, as S3 does them: the artifact id and an expiry, signed with HMAC-SHA256 under a server
/// secret. Whoever holds the URL may download until it expires, without a token; changing any part breaks the
/// signature.
/// </summary>
public sealed class ArtifactUrls(IArtifactUrlKey key, TimeProvider clock)
{
    public static string DownloadPath(Guid artifactId) => $"/api/v1/artifacts/{artifactId}/download";

    /// <summary>The query string (without '?') that lets <paramref name="artifactId"/> be downloaded until <paramref name="expiresAt"/>.</summary>
    public string Sign(Guid artifactId, DateTimeOffset expiresAt)
    {
        var expires = expiresAt.ToUnixTimeSeconds();
        return $"expires={expires}&signature={Signature(artifactId, expires)}";
    }

    /// <summary>Why the signature does not allow a download now, or null when it does.</summary>
    public string? Refusal(Guid artifactId, long expires, string? signature)
    {
        if (string.IsNullOrEmpty(signature)) return "the URL has no signature";
        var expected = Encoding.ASCII.GetBytes(Signature(artifactId, expires));
        // Compared in constant time, so the signature cannot be guessed byte by byte from response times.
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature.ToLowerInvariant())))
            return "the URL's signature does not match it (the URL was changed, or signed by another server)";
        if (clock.GetUtcNow().ToUnixTimeSeconds() >= expires)
            return $"the URL expired at {DateTimeOffset.FromUnixTimeSeconds(expires).UtcDateTime.ToString("u", CultureInfo.InvariantCulture)}";
        return null;
    }

    private string Signature(Guid artifactId, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(key.Key, Encoding.UTF8.GetBytes($"{artifactId:N}\n{expires}")));
}
