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

    public void SetPasswordHash(string hash) => PasswordHash = hash;

    public static string Normalize(string username) => username.Trim().ToUpperInvariant();
}
