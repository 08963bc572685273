namespace Comet.Application.Common.Interfaces;

/// <summary>Who is making the current request; the host fills it from the checked token.</summary>
public interface ICurrentUser
{
    Guid? UserId { get; }
    string? Username { get; }
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
