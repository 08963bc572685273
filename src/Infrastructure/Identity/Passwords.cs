using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;
using Microsoft.AspNetCore.Identity;

namespace Comet.Infrastructure.Identity;

/// <summary>ASP.NET Core Identity's PBKDF2 hasher (salted, iterated, versioned hashes).</summary>
public sealed class Passwords : Application.Common.Interfaces.IPasswordHasher
{
    private readonly PasswordHasher<User> _hasher = new();

    public string Hash(User user, string password) => _hasher.HashPassword(user, password);

    public bool Verify(User user, string hash, string password) =>
        _hasher.VerifyHashedPassword(user, hash, password) != PasswordVerificationResult.Failed;
}
