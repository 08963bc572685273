using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Commands;

/// <summary>
/// On a database without users, creates the first admin: from "user:password" when given, else with a random
/// password that the host hands over once. Does nothing when any user exists.
/// </summary>
public sealed record BootstrapAdminCommand(string? UsernameAndPassword) : IRequest<BootstrapAdminResult>;

/// <param name="GeneratedPassword">Set only when a random password was made; shown once, never stored in clear.</param>
public sealed record BootstrapAdminResult(string? Username, string? GeneratedPassword);

public sealed class BootstrapAdminHandler(ICometDbContext db, IPasswordHasher hasher, TimeProvider clock)
    : IRequestHandler<BootstrapAdminCommand, BootstrapAdminResult>
{
    public async Task<BootstrapAdminResult> Handle(BootstrapAdminCommand request, CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(cancellationToken)) return new BootstrapAdminResult(null, null);

        var (username, password, generated) = Parse(request.UsernameAndPassword);
        var admin = new User(username, email: null, displayName: "Administrator", SystemRole.Admin, clock.GetUtcNow().UtcDateTime);
        admin.SetPasswordHash(hasher.Hash(admin, password));
        db.Users.Add(admin);
        await db.SaveChangesAsync(cancellationToken);
        return new BootstrapAdminResult(username, generated ? password : null);
    }

    private static (string Username, string Password, bool Generated) Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return ("admin", OneTimePassword.New(), true);
        var colon = value.IndexOf(':');
        if (colon <= 0 || colon == value.Length - 1)
            throw new ArgumentException("COMET_BOOTSTRAP_ADMIN must be 'username:password'.");
        return (value[..colon].Trim(), value[(colon + 1)..], false);
    }
}
