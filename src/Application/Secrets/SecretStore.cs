using Comet.Application.Common.Interfaces;
using Comet.Application.Identity;
using Comet.Domain.Secrets;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Secrets;

/// <summary>
/// Setting and deleting a secret in one scope, shared by the instance and project commands: the value is encrypted
/// before it reaches the unit of work, and every change is audited without it.
/// </summary>
public sealed class SecretStore(ICometDbContext db, ISecretProtector protector, AuditTrail audit, ICurrentUser user, TimeProvider clock)
{
    public async Task<SecretDto> SetAsync(Guid? projectId, string auditTarget, string name, string? environment, string value, bool file,
        bool allowForks, CancellationToken cancellationToken)
    {
        var key = Secret.KeyOf(projectId, environment);
        var now = clock.GetUtcNow().UtcDateTime;
        var secret = await db.Secrets.FirstOrDefaultAsync(s => s.ScopeKey == key && s.Name == name, cancellationToken);
        var sealedValue = protector.Protect(value);
        if (secret is null)
        {
            secret = new Secret(projectId, environment, name, sealedValue, file, allowForks, user.Username, now);
            db.Secrets.Add(secret);
            audit.Record(SecretAuditActions.Created, auditTarget, Describe(secret));
        }
        else
        {
            secret.Change(sealedValue, file, allowForks, user.Username, now);
            audit.Record(SecretAuditActions.Updated, auditTarget, Describe(secret));
        }
        await db.SaveChangesAsync(cancellationToken);
        return ToDto(secret);
    }

    /// <summary>False when there was no such secret.</summary>
    public async Task<bool> DeleteAsync(Guid? projectId, string auditTarget, string name, string? environment, CancellationToken cancellationToken)
    {
        var key = Secret.KeyOf(projectId, environment);
        var secret = await db.Secrets.FirstOrDefaultAsync(s => s.ScopeKey == key && s.Name == name, cancellationToken);
        if (secret is null) return false;
        db.Secrets.Remove(secret);
        audit.Record(SecretAuditActions.Deleted, auditTarget, Describe(secret));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>"DEPLOY_TOKEN (environment production, file, forks allowed)": what changed, never the value.</summary>
    private static string Describe(Secret secret)
    {
        var parts = new List<string>();
        if (secret.Environment is not null) parts.Add($"environment {secret.Environment}");
        if (secret.File) parts.Add("file");
        if (secret.AllowForks) parts.Add("forks allowed");
        return parts.Count == 0 ? secret.Name : $"{secret.Name} ({string.Join(", ", parts)})";
    }

    public static SecretDto ToDto(Secret s) => new()
    {
        Name = s.Name, Scope = SecretRules.ScopeName(s.Scope), Environment = s.Environment, File = s.File, AllowForks = s.AllowForks,
        UpdatedBy = s.UpdatedBy, CreatedAt = s.CreatedAt, UpdatedAt = s.UpdatedAt,
    };
}
