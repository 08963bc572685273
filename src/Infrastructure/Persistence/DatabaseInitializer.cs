using Comet.Infrastructure.Configuration;
using Comet.Infrastructure.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;
using Comet.Hosting;

namespace Comet.Infrastructure.Persistence;

/// <summary>Brings the database schema up to date at start-up. Applied migrations are skipped, so a restart changes nothing.</summary>
public static class DatabaseInitializer
{
    public static async Task<IReadOnlyList<string>> MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CometDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILogger<CometDbContext>>();

        if (db.Database.IsSqlite())
        {
            KeepSqliteFilesPrivate(db.Database.GetConnectionString(), logger);
            // WAL lets the API read while the executor writes; it is a property of the file, set once.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        // Creating the history table first spares a fresh PostgreSQL database the migrator's probe
        // of a missing table, which EF logs as an error although nothing is wrong.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count == 0)
            logger.LogInformation("Database schema is up to date ({Provider})", db.Database.ProviderName);
        else
        {
            logger.LogInformation("Applying {Count} migration(s): {Migrations}", pending.Count, string.Join(", ", pending));
            await db.Database.MigrateAsync(cancellationToken);
        }

        // Only a database that could be reached and migrated is remembered: a mistyped first connection string must
        // not bind the data folder to a database that does not exist.
        DataFolderDatabase.Remember(scope.ServiceProvider.GetRequiredService<IOptions<DatabaseOptions>>().Value,
            scope.ServiceProvider.GetRequiredService<IOptions<CometOptions>>().Value.DataDirFullPath);
        return pending;
    }

    /// <summary>
    /// The database holds password and token hashes and webhook secrets: 0600. SQLite
    /// creates a new file with the process's umask (often 0644) and gives its -wal and -shm files the database
    /// file's mode, so a new database starts as an empty 0600 file (which SQLite takes as an empty database), and
    /// an existing one is tightened.
    /// </summary>
    private static void KeepSqliteFilesPrivate(string? connectionString, ILogger logger)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource is "" or ":memory:" || builder.DataSource.StartsWith("file:", StringComparison.Ordinal))
            return;
        var path = Path.GetFullPath(builder.DataSource);
        if (!File.Exists(path) && builder.Mode == SqliteOpenMode.ReadWriteCreate)
        {
            PrivateFile.CreateFolder(Path.GetDirectoryName(path)!);
            PrivateFile.CreateEmpty(path);
        }
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
            PrivateFile.Restrict(file, logger);
    }
}
