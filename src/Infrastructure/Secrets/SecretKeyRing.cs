using Comet.Application.Common.Interfaces;
using Comet.Application.Secrets;
using Comet.Domain.Secrets;
using Comet.Infrastructure.Configuration;
using Comet.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;

namespace Comet.Infrastructure.Secrets;

/// <summary>
/// The start-up check of the secret store's keys. A canary value is encrypted the first time and decrypted at every
/// start after: a key ring that was deleted, replaced or belongs to another node stops the server with one line (exit
/// code 2) instead of handing jobs values it cannot read. Data Protection would otherwise make a fresh key silently.
/// </summary>
public static class SecretKeyRing
{
    public static string FolderOf(CometOptions comet) => Path.Combine(comet.DataDirFullPath, "keys", "data-protection");

    public static async Task VerifySecretKeysAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
        var protector = scope.ServiceProvider.GetRequiredService<ISecretProtector>();
        var folder = FolderOf(scope.ServiceProvider.GetRequiredService<IOptions<CometOptions>>().Value);
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();

        var check = await db.SecretKeyChecks.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        // With no key at all, Data Protection would make one on the first decryption and the loss would be hidden.
        var hasKeys = Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.xml").Any();
        if (check is null)
        {
            // A database from before the check, or whose check row was removed: a stored secret is the proof instead.
            var stored = await db.Secrets.AsNoTracking().Select(s => new { s.Name, s.ProtectedValue }).FirstOrDefaultAsync(cancellationToken);
            if (stored is not null && !hasKeys) throw Refusal(folder, $"secret {stored.Name}", "the folder holds no key");
            if (stored is not null) Verify(protector, stored.ProtectedValue, null, folder, $"secret {stored.Name}");
            db.SecretKeyChecks.Add(new SecretKeyCheck(protector.Protect(SecretKeyCheck.Canary), clock.GetUtcNow().UtcDateTime));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException)
            {
                // Another node sharing the database wrote its canary first: that one must decrypt here too.
                check = await new ReloadedCheck(scope.ServiceProvider).ReadAsync(cancellationToken);
            }
        }
        if (!hasKeys) throw Refusal(folder, "the key check", "the folder holds no key");
        Verify(protector, check.ProtectedCanary, SecretKeyCheck.Canary, folder, "the key check");
    }

    private static void Verify(ISecretProtector protector, string protectedValue, string? expected, string folder, string what)
    {
        string value;
        try
        {
            value = protector.Unprotect(protectedValue);
        }
        catch (SecretKeyException ex)
        {
            throw Refusal(folder, what, ex.Message);
        }
        if (expected is not null && value != expected) throw Refusal(folder, what, "it decrypts to something else");
    }

    private static InvalidConfigurationException Refusal(string folder, string what, string why) =>
        new($"the secret store's keys in {folder} cannot decrypt {what} in the database ({why}); restore that folder from a backup, "
            + "or copy it from the node that first used this database. Starting with other keys would hand jobs values that cannot be read.");

    /// <summary>The check row as another context sees it (this one holds the insert that failed).</summary>
    private sealed class ReloadedCheck(IServiceProvider services)
    {
        public async Task<SecretKeyCheck> ReadAsync(CancellationToken cancellationToken)
        {
            await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
            return await db.SecretKeyChecks.AsNoTracking().FirstAsync(cancellationToken);
        }
    }
}
