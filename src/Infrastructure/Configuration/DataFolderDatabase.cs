using System.Text.Json;
using Comet.Hosting;
using Comet.Infrastructure.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;
using Comet.Hosting.Configuration;

namespace Comet.Infrastructure.Configuration;

/// <summary>The database settings a data folder was made with, as {DataDir}/database.json keeps them.</summary>
/// <param name="ConnectionString">Null for SQLite in the data folder itself (comet.db), which moves with the folder.</param>
public sealed record RememberedDatabase(string Provider, string? ConnectionString);

/// <summary>
/// A data folder remembers its database. The first start that migrates it writes the provider and connection string
/// to database.json (0600: the connection string may hold a password); later starts that name no database use it, and
/// a start that names another database refuses in one line instead of opening an empty one beside the real one.
/// </summary>
/// <remarks>
/// "The same database" is the same provider and, for PostgreSQL, the same host, port and database name: a rotated
/// password or another pool size is the same database (and is remembered from then on); for SQLite, the same file.
/// A folder without the file (made before it existed) takes what its next start uses, as a first start would.
/// </remarks>
public static class DataFolderDatabase
{
    public const string FileName = "database.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string PathIn(string dataDir) => Path.Combine(dataDir, FileName);

    /// <summary>What the folder remembers, or null when it remembers nothing yet.</summary>
    public static RememberedDatabase? Read(string dataDir)
    {
        var path = PathIn(dataDir);
        if (!File.Exists(path)) return null;
        try
        {
            var remembered = JsonSerializer.Deserialize<RememberedDatabase>(File.ReadAllText(path), Json);
            if (remembered is { Provider: DatabaseOptions.Sqlite or DatabaseOptions.Postgres }) return remembered;
        }
        catch (JsonException)
        {
        }
        throw new InvalidConfigurationException(
            $"{path} does not say which database this data folder uses (expected {{\"provider\": \"sqlite\"|\"postgres\", \"connectionString\": ...}}); fix it, or delete it to take this start's database settings.");
    }

    /// <summary>
    /// Fills in the database of <paramref name="dataDir"/> where this start names none (Database:Provider and
    /// ConnectionStrings:Comet both unset), and refuses a start that names another one.
    /// </summary>
    /// <remarks>
    /// The data folder is read from <paramref name="configuration"/>, not from the validated Comet options, so that a
    /// bad port is reported once, as itself, and not again as a failure of the database settings.
    /// </remarks>
    public static void Apply(DatabaseOptions options, IConfiguration configuration)
    {
        var folder = configuration[$"{CometOptions.Section}:{nameof(CometOptions.DataDir)}"] ?? new CometOptions().DataDir;
        if (string.IsNullOrWhiteSpace(folder)) return; // the Comet options validator says so
        var dataDir = Path.GetFullPath(folder);
        var remembered = Read(dataDir);
        var providerGiven = !string.IsNullOrWhiteSpace(configuration[$"{DatabaseOptions.Section}:Provider"]);
        var connectionGiven = !string.IsNullOrWhiteSpace(configuration.GetConnectionString("Comet"));
        if (remembered is null) return;
        if (!providerGiven && !connectionGiven)
        {
            options.Provider = remembered.Provider;
            options.ConnectionString = remembered.ConnectionString;
            return;
        }

        var provider = providerGiven ? options.Provider.ToLowerInvariant() : remembered.Provider;
        // An unknown provider is the options validator's to report, in its own words.
        if (provider is not (DatabaseOptions.Sqlite or DatabaseOptions.Postgres)) return;
        var connection = connectionGiven ? options.ConnectionString
            : provider == remembered.Provider ? remembered.ConnectionString : null;
        if (provider != remembered.Provider || Identity(provider, connection, dataDir) != Identity(remembered.Provider, remembered.ConnectionString, dataDir))
            throw new InvalidConfigurationException(
                $"the data folder {dataDir} was made for {Describe(remembered.Provider, remembered.ConnectionString, dataDir)} "
                + $"but this start asks for {Describe(provider, connection, dataDir)}; start without Database__Provider and "
                + $"ConnectionStrings__Comet to use the folder's database, or give another data folder (COMET_DATA_DIR) for another database.");
        options.Provider = provider;
        options.ConnectionString = connection;
    }

    /// <summary>Records the database a start has just migrated, unless the folder already remembers exactly that.</summary>
    public static void Remember(DatabaseOptions options, string dataDir)
    {
        var provider = options.Provider.ToLowerInvariant();
        var connection = string.IsNullOrWhiteSpace(options.ConnectionString) ? null : options.ConnectionString;
        if (Read(dataDir) is { } known && known.Provider == provider && known.ConnectionString == connection) return;
        PrivateFile.CreateFolder(dataDir);
        var path = PathIn(dataDir);
        var temporary = path + ".new";
        File.Delete(temporary);
        using (var file = PrivateFile.Create(temporary, overwrite: false))
            file.Write(JsonSerializer.Serialize(new RememberedDatabase(provider, connection), Json));
        // Renamed into place, so a crash mid-write never leaves a half file that stops the next start.
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Whether there is an instance to work on: a remembered database, a PostgreSQL database named by this start, or
    /// an existing SQLite file (opening a missing one would create an empty database).
    /// </summary>
    public static bool HoldsAnInstance(DatabaseOptions options, string dataDir) =>
        File.Exists(PathIn(dataDir)) || options.IsPostgres || File.Exists(SqliteFile(options.ConnectionString, dataDir));

    /// <summary>Which database the settings reach: the provider and, for PostgreSQL, host, port and name; for SQLite, the file.</summary>
    private static string Identity(string provider, string? connection, string dataDir)
    {
        if (provider == DatabaseOptions.Sqlite) return "sqlite:" + SqliteFile(connection, dataDir);
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connection ?? "");
            return $"postgres:{builder.Host?.ToLowerInvariant()}:{builder.Port}/{builder.Database ?? builder.Username}";
        }
        catch (ArgumentException)
        {
            return "postgres:" + connection;
        }
    }

    /// <summary>The settings as the refusal names them: never a password.</summary>
    private static string Describe(string provider, string? connection, string dataDir)
    {
        if (provider == DatabaseOptions.Sqlite) return $"sqlite ({SqliteFile(connection, dataDir)})";
        if (string.IsNullOrWhiteSpace(connection)) return "postgres (no ConnectionStrings__Comet)";
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connection);
            var parts = new List<string> { $"Host={builder.Host}", $"Port={builder.Port}", $"Database={builder.Database}", $"Username={builder.Username}" };
            if (!string.IsNullOrEmpty(builder.Password)) parts.Add("Password=***");
            return $"postgres ({string.Join(';', parts)})";
        }
        catch (ArgumentException)
        {
            return "postgres (a connection string that cannot be read)";
        }
    }

    private static string SqliteFile(string? connection, string dataDir)
    {
        if (string.IsNullOrWhiteSpace(connection)) return Path.Combine(dataDir, "comet.db");
        try
        {
            var source = new SqliteConnectionStringBuilder(connection).DataSource;
            return source is "" or ":memory:" || source.StartsWith("file:", StringComparison.Ordinal) ? source : Path.GetFullPath(source);
        }
        catch (ArgumentException)
        {
            return connection;
        }
    }
}
