namespace Comet.Application.Common.Interfaces;

/// <summary>
/// Who is making the current request: the account the checked token's subject names, read from the database once per
/// request. Nothing here comes from a claim the token carries beyond its subject.
/// </summary>
public interface ICurrentUser
{
    Guid? UserId { get; }
    string? Username { get; }

    /// <summary>The system role stored for the user now, so a demotion takes effect on the next request.</summary>
    bool IsAdmin { get; }
    string? ClientAddress { get; }

    /// <summary>
    /// What the caller's token may do: null for a full sign-in (JWT), else a personal access token's scopes
    /// (read, write, admin).
    /// </summary>
    IReadOnlySet<string>? Scopes { get; }

    /// <summary>Work no request started (start-up, background workers): not subject to authorization.</summary>
    bool IsSystem { get; }
}
