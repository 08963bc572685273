using Comet.Domain.Identity;

namespace Comet.Application.Common.Interfaces;

/// <summary>Password hashing (PBKDF2 in Infrastructure); the clear password never leaves the request.</summary>
public interface IPasswordHasher
{
    string Hash(User user, string password);

    bool Verify(User user, string hash, string password);
}

/// <summary>Signs short-lived access tokens (JWT) for a user.</summary>
public interface IAccessTokenIssuer
{
    IssuedAccessToken Issue(User user);
}

public sealed record IssuedAccessToken(string Token, TimeSpan Lifetime);
