namespace Comet.Domain.Identity;

/// <summary>What a user may do across Comet, before any project role.</summary>
public enum SystemRole
{
    User,
    Admin,
}

/// <summary>A person or robot that signs in. The password is only ever kept as a PBKDF2 hash.</summary>
public sealed class User
{
    private User() { }

    public User(string username, string? email, string? displayName, SystemRole role, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        Username = username;
        NormalizedUsername = Normalize(username);
        Email = email;
        DisplayName = string.IsNullOrWhiteSpace(displayName) ? username : displayName;
        Role = role;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public string Username { get; private set; } = "";

    /// <summary>Usernames are unique whatever their case.</summary>
    public string NormalizedUsername { get; private set; } = "";
    public string? Email { get; private set; }
    public string DisplayName { get; private set; } = "";
    public string? PasswordHash { get; private set; }
    public SystemRole Role { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>
    /// Changes whenever the password is changed or reset; access tokens carry the value they were issued with, so a
    /// token from before the change no longer matches. Null until the first change (tokens then carry none).
    /// </summary>
    /// <remarks>A random value rather than the change's time: a token's iat has whole seconds, a stamp has no granularity.</remarks>
    public string? SecurityStamp { get; private set; }

    /// <summary>When the password was last changed or reset; null if it never was since the account was made.</summary>
    public DateTime? PasswordChangedAt { get; private set; }

    /// <summary>Set by an admin reset: until the user picks a password of their own, the account may only do that.</summary>
    public bool MustChangePassword { get; private set; }

    public void SetPasswordHash(string hash) => PasswordHash = hash;

    /// <summary>
    /// A new password, by the user (<paramref name="mustChange"/> false) or by an admin's reset (usually true). Every
    /// access token issued before stops matching the account.
    /// </summary>
    public void ChangePassword(string hash, DateTime now, bool mustChange)
    {
        PasswordHash = hash;
        PasswordChangedAt = now;
        MustChangePassword = mustChange;
        SecurityStamp = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
    }

    public static string Normalize(string username) => username.Trim().ToUpperInvariant();
}
