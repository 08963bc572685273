namespace Comet.Domain.Identity;

/// <summary>
/// A long-lived token for scripts and the CLI, sent as "Authorization: Bearer cpat_…". Shown once; only its
/// SHA-256 is kept. Revoking it takes effect on the next request.
/// </summary>
public sealed class PersonalAccessToken
{
    public static readonly string[] KnownScopes = ["read", "write", "admin"];

    private PersonalAccessToken() { }

    public PersonalAccessToken(Guid userId, string name, string tokenHash, string displayPrefix, IEnumerable<string> scopes,
        DateTime createdAt, DateTime? expiresAt)
    {
        Id = Guid.CreateVersion7();
        UserId = userId;
        Name = name;
        TokenHash = tokenHash;
        DisplayPrefix = displayPrefix;
        Scopes = string.Join(' ', scopes.Distinct().Order());
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }
    public Guid UserId { get; private set; }
    public string Name { get; private set; } = "";
    public string TokenHash { get; private set; } = "";

    /// <summary>The first characters, so a user can tell tokens apart in a list without the secret.</summary>
    public string DisplayPrefix { get; private set; } = "";

    /// <summary>Space-separated: read, write, admin.</summary>
    public string Scopes { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime? ExpiresAt { get; private set; }
    public DateTime? LastUsedAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    public bool IsUsable(DateTime now) => RevokedAt is null && (ExpiresAt is null || now < ExpiresAt);

    public void Revoke(DateTime now) => RevokedAt ??= now;

    /// <summary>Records use, at most once a minute: a script's every request need not be a database write.</summary>
    public bool NoteUse(DateTime now)
    {
        if (LastUsedAt is { } last && now - last < TimeSpan.FromMinutes(1)) return false;
        LastUsedAt = now;
        return true;
    }
}
