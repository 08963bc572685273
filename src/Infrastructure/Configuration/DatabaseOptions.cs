using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Configuration;

/// <summary>Settings under "Database". The connection string itself is ConnectionStrings:Comet.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>sqlite (default: a file in the data folder, nothing else to run) or postgres.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>Bound from ConnectionStrings:Comet.</summary>
    public string? ConnectionString { get; set; }

    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);
}

public sealed class DatabaseOptionsValidator : IValidateOptions<DatabaseOptions>
{
    public ValidateOptionsResult Validate(string? name, DatabaseOptions options)
    {
        var provider = options.Provider?.ToLowerInvariant();
        if (provider is not (DatabaseOptions.Sqlite or DatabaseOptions.Postgres))
            return ValidateOptionsResult.Fail(
                $"Database:Provider must be '{DatabaseOptions.Sqlite}' or '{DatabaseOptions.Postgres}', not '{options.Provider}'.");
        if (provider == DatabaseOptions.Postgres && string.IsNullOrWhiteSpace(options.ConnectionString))
            return ValidateOptionsResult.Fail(
                "ConnectionStrings:Comet is required when Database:Provider is 'postgres' (e.g. Host=127.0.0.1;Port=5432;Database=comet;Username=comet;Password=...).");
        return ValidateOptionsResult.Success;
    }
}
