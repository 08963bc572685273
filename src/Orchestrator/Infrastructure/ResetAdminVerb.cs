using Comet.Application;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Identity.Commands;
using Comet.Domain.Identity;
using Comet.Infrastructure;
using Comet.Infrastructure.Configuration;
using Comet.Hosting;
using Comet.Infrastructure.Persistence;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Infrastructure;

/// <summary>
/// `Comet.Orchestrator reset-admin [user]` (what `./dev.sh reset-admin` runs): gives an account of the data folder's
/// instance a new one-time password and prints it, without starting the server, so it works whether the server runs
/// or not and when nobody can sign in any more. It opens the database the data folder remembers, like a start would.
/// </summary>
/// <remarks>The password goes to stdout alone (for scripts); what it means goes to stderr.</remarks>
public static class ResetAdminVerb
{
    public const string Name = "reset-admin";
    public const string DefaultUser = "admin";

    public static bool IsInvoked(string[] args) => args.Length > 0 && args[0] == Name;

    public static async Task<int> RunAsync(string[] args)
    {
        // Further arguments are configuration (--Comet:DataDir=...), as for a start; the first plain one is the user.
        var named = args.Length > 1 && !args[1].StartsWith('-');
        var username = named ? args[1] : DefaultUser;
        var exitCode = 0;
        var guarded = await HostStartup.RunGuardedAsync("Comet reset-admin", async () => exitCode = await ResetAsync(username, args[(named ? 2 : 1)..]));
        return guarded != 0 ? guarded : exitCode;
    }

    private static async Task<int> ResetAsync(string username, string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var comet = builder.ReadCometOptions();
        // Nothing but the answer on the console: no start-up logging of a server that is not starting.
        builder.Logging.ClearProviders();
        builder.Services.AddApplication();
        builder.Services.AddInfrastructure(builder.Configuration);
        await using var app = builder.Build();

        var dataDir = comet.DataDirFullPath;
        var database = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (!DataFolderDatabase.HoldsAnInstance(database, dataDir))
        {
            await Console.Error.WriteLineAsync($"Comet reset-admin: there is no Comet instance in {dataDir} (no database yet); start it once with ./dev.sh start, or set COMET_DATA_DIR.");
            return 1;
        }
        await app.Services.MigrateDatabaseAsync();

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
        var initialPasswordFile = Path.Combine(dataDir, "initial-admin-password");
        var fileWasThisUsers = await HoldsPasswordOfAsync(initialPasswordFile, username, db, scope.ServiceProvider.GetRequiredService<IPasswordHasher>());
        PasswordResetDto reset;
        try
        {
            reset = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ResetPasswordCommand { Username = username });
        }
        catch (NotFoundException)
        {
            var admins = await db.Users.Where(u => u.Role == SystemRole.Admin).OrderBy(u => u.Username).Select(u => u.Username).ToListAsync();
            await Console.Error.WriteLineAsync($"Comet reset-admin: there is no account '{username}' in {dataDir}'s database; "
                + (admins.Count == 0 ? "it has no admin yet." : $"its admins: {string.Join(", ", admins)} (./dev.sh reset-admin USER)."));
            return 1;
        }

        // The first start's password no longer works: a file that says otherwise would mislead the next reader.
        if (fileWasThisUsers) File.Delete(initialPasswordFile);
        await Console.Error.WriteLineAsync($"New one-time password for '{reset.Username}' ({database.Provider} database of {dataDir}). "
            + $"Every sign-in of the account was ended; sign in with it and choose a new password (POST /api/v1/me/password) before anything else:");
        await Console.Out.WriteLineAsync(reset.Password);
        return 0;
    }

    private static async Task<bool> HoldsPasswordOfAsync(string file, string username, ICometDbContext db, IPasswordHasher hasher)
    {
        if (!File.Exists(file)) return false;
        var normalized = User.Normalize(username);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedUsername == normalized);
        return user?.PasswordHash is { } hash && hasher.Verify(user, hash, (await File.ReadAllTextAsync(file)).Trim());
    }
}
