using System.Text.RegularExpressions;

namespace Comet.Domain.Secrets;

/// <summary>Where a secret applies. A narrower scope wins when two have the same name: environment, then project, then instance.</summary>
public enum SecretScope
{
    Instance,
    Project,
    Environment,
}

/// <summary>
/// A named value jobs may ask for, stored encrypted (<see cref="ProtectedValue"/> is what the key ring made of it; the
/// plain value is never kept). It belongs to the whole instance (no project), to a project, or to one environment of a
/// project.
/// </summary>
public sealed partial class Secret
{
    public const int MaxNameLength = 128;
    public const int MaxValueBytes = 64 * 1024;
    public const int MaxEnvironmentLength = 100;

    private Secret() { }

    public Secret(Guid? projectId, string? environment, string name, string protectedValue, bool file, bool allowForks, string? changedBy, DateTime now)
    {
        if (!IsValidName(name)) throw new Common.DomainException($"'{name}' is not a secret name; use A-Z, 0-9 and _, not starting with a digit.");
        if (environment is not null && projectId is null) throw new Common.DomainException("An environment's secret belongs to a project.");
        Id = Guid.CreateVersion7();
        ProjectId = projectId;
        Environment = environment;
        ScopeKey = KeyOf(projectId, environment);
        Name = name;
        ProtectedValue = protectedValue;
        File = file;
        AllowForks = allowForks;
        CreatedAt = now;
        UpdatedAt = now;
        UpdatedBy = changedBy;
    }

    public Guid Id { get; private set; }

    /// <summary>Null for an instance secret.</summary>
    public Guid? ProjectId { get; private set; }

    /// <summary>The environment it is limited to; null for a project (or instance) secret.</summary>
    public string? Environment { get; private set; }

    /// <summary>
    /// "instance", "project:{id}" or "project:{id}/environment:{name}": one column that is never NULL, so a unique
    /// index on it and the name allows one secret per name and scope on SQLite and PostgreSQL alike (NULLs never clash).
    /// </summary>
    public string ScopeKey { get; private set; } = "";
    public string Name { get; private set; } = "";
    public string ProtectedValue { get; private set; } = "";

    /// <summary>Given to a job as a file (its variable holds the file's path) rather than as the variable's value.</summary>
    public bool File { get; private set; }

    /// <summary>Jobs of pull requests from forks may use it; off by default, since anyone can open one.</summary>
    public bool AllowForks { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>The username of whoever last set it.</summary>
    public string? UpdatedBy { get; private set; }

    public SecretScope Scope => ProjectId is null ? SecretScope.Instance : Environment is null ? SecretScope.Project : SecretScope.Environment;

    public void Change(string protectedValue, bool file, bool allowForks, string? changedBy, DateTime now)
    {
        ProtectedValue = protectedValue;
        File = file;
        AllowForks = allowForks;
        UpdatedBy = changedBy;
        UpdatedAt = now;
    }

    public static string KeyOf(Guid? projectId, string? environment) =>
        projectId is null ? "instance" : environment is null ? $"project:{projectId:N}" : $"project:{projectId:N}/environment:{environment}";

    /// <summary>Like an environment variable: A-Z, 0-9 and _, not starting with a digit, up to 128 characters.</summary>
    public static bool IsValidName(string? name) => name is { Length: > 0 and <= MaxNameLength } && NamePattern().IsMatch(name);

    [GeneratedRegex("^[A-Z_][A-Z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}

/// <summary>
/// A known value encrypted when the store was first used and decrypted at every start: a key ring that was lost,
/// replaced or copied wrong is found then, in one line, instead of jobs getting garbage.
/// </summary>
public sealed class SecretKeyCheck
{
    public const string Canary = "comet-secret-store-canary";

    private SecretKeyCheck() { }

    public SecretKeyCheck(string protectedCanary, DateTime now)
    {
        Id = 1;
        ProtectedCanary = protectedCanary;
        CreatedAt = now;
    }

    public int Id { get; private set; }
    public string ProtectedCanary { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
}

/// <summary>Audit actions of the secret store; the value is never part of an audit row.</summary>
public static class SecretAuditActions
{
    public const string Created = "secret_created";
    public const string Updated = "secret_updated";
    public const string Deleted = "secret_deleted";
    public const string Used = "secret_used";
}
