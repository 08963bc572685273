using NUnit.Framework;
using Npgsql;

namespace Comet.TestSupport;

/// <summary>
/// The PostgreSQL server that `./dev.sh test` starts on a loopback port and names in
/// COMET_TEST_POSTGRES. Each caller gets its own empty database, so tests never see each other's rows.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "COMET_TEST_POSTGRES";

    public static string? ServerConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    /// <summary>Ignores the calling test when no server was started (running `dotnet test` by hand); CI always has one.</summary>
    public static string RequireServer()
    {
        if (ServerConnectionString is { } cs) return cs;
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
            Assert.Fail($"{Variable} is not set; `./dev.sh test` starts PostgreSQL and sets it.");
        Assert.Ignore($"{Variable} is not set; run `./dev.sh test` to run the PostgreSQL tests.");
        return "";
    }

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var server = RequireServer();
        var name = "comet_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var server = ServerConnectionString;
        if (server is null) return;
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
