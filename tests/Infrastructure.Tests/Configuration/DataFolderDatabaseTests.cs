using System.Runtime.Versioning;
using System.Text.Json;
using Comet.Infrastructure.Configuration;
using Comet.Hosting;
using Comet.Infrastructure.Persistence;
using Comet.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Tests.Configuration;

/// <summary>The data folder remembers its database: later starts without settings open it, other settings are refused.</summary>
public sealed class DataFolderDatabaseTests
{
    private static DatabaseOptions DatabaseOf(IReadOnlyDictionary<string, string?> settings)
    {
        using var services = TestHost.BuildServices(settings);
        return services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
    }

    private static void Remember(string dataDir, string provider, string? connectionString) =>
        File.WriteAllText(Path.Combine(dataDir, DataFolderDatabase.FileName),
            JsonSerializer.Serialize(new { provider, connectionString }));

    [Test]
    [SupportedOSPlatform("linux")]
    public async Task The_first_start_remembers_its_database_in_a_private_file()
    {
        await using var host = await TestHost.StartAsync(DatabaseProvider.Sqlite);

        var file = Path.Combine(host.DataDir.Path, DataFolderDatabase.FileName);
        Assert.That(File.Exists(file), Is.True, "written by the first migration");
        Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), "it may hold a database password");
        Assert.That(DataFolderDatabase.Read(host.DataDir.Path), Is.EqualTo(new RememberedDatabase("sqlite", null)));
    }

    [Test]
    public async Task A_sqlite_folder_refuses_a_postgres_start_naming_both_without_the_password()
    {
        await using var host = await TestHost.StartAsync(DatabaseProvider.Sqlite);

        var refusal = Assert.Throws<InvalidConfigurationException>(() => DatabaseOf(new Dictionary<string, string?>
        {
            ["Comet:DataDir"] = host.DataDir.Path,
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:Comet"] = "Host=db.example;Database=comet;Username=comet;Password=hunter2",
        }))!;

        Assert.Multiple(() =>
        {
            Assert.That(refusal.Message, Does.Contain($"the data folder {host.DataDir.Path} was made for sqlite ({host.DataDir.Path}/comet.db)"));
            Assert.That(refusal.Message, Does.Contain("but this start asks for postgres (Host=db.example;Port=5432;Database=comet;Username=comet;Password=***)"));
            Assert.That(refusal.Message, Does.Not.Contain("hunter2"));
            Assert.That(refusal.Message, Does.Not.Contain("\n"));
        });
    }

    [Test]
    public void A_postgres_folder_refuses_a_sqlite_start_and_another_postgres_database()
    {
        using var dataDir = new TempDirectory("comet-remembered");
        Remember(dataDir.Path, "postgres", "Host=db.example;Database=comet;Username=comet;Password=hunter2");

        var toSqlite = Assert.Throws<InvalidConfigurationException>(() => DatabaseOf(new Dictionary<string, string?>
        {
            ["Comet:DataDir"] = dataDir.Path, ["Database:Provider"] = "sqlite",
        }))!;
        var toOtherDatabase = Assert.Throws<InvalidConfigurationException>(() => DatabaseOf(new Dictionary<string, string?>
        {
            ["Comet:DataDir"] = dataDir.Path, ["Database:Provider"] = "postgres",
            ["ConnectionStrings:Comet"] = "Host=db.example;Database=other;Username=comet;Password=hunter2",
        }))!;

        Assert.Multiple(() =>
        {
            Assert.That(toSqlite.Message, Does.Contain("was made for postgres (Host=db.example").And.Contain("asks for sqlite"));
            Assert.That(toOtherDatabase.Message, Does.Contain("Database=comet").And.Contain("Database=other"));
            Assert.That(toSqlite.Message + toOtherDatabase.Message, Does.Not.Contain("hunter2"));
        });
    }

    [Test]
    public void A_start_that_names_no_database_uses_the_remembered_one()
    {
        using var dataDir = new TempDirectory("comet-remembered");
        Remember(dataDir.Path, "postgres", "Host=db.example;Database=comet;Username=comet;Password=hunter2");

        var database = DatabaseOf(new Dictionary<string, string?> { ["Comet:DataDir"] = dataDir.Path });

        Assert.That(database.IsPostgres, Is.True);
        Assert.That(database.ConnectionString, Is.EqualTo("Host=db.example;Database=comet;Username=comet;Password=hunter2"));
    }

    [Test]
    public void A_rotated_password_for_the_same_database_is_accepted_and_remembered()
    {
        using var dataDir = new TempDirectory("comet-remembered");
        Remember(dataDir.Path, "postgres", "Host=db.example;Database=comet;Username=comet;Password=old");
        const string rotated = "Host=DB.example;Port=5432;Database=comet;Username=comet;Password=new";

        var database = DatabaseOf(new Dictionary<string, string?> { ["Comet:DataDir"] = dataDir.Path, ["ConnectionStrings:Comet"] = rotated });
        DataFolderDatabase.Remember(database, dataDir.Path);

        Assert.That(database.IsPostgres, Is.True, "the provider comes from the folder when only the connection string is given");
        Assert.That(DataFolderDatabase.Read(dataDir.Path), Is.EqualTo(new RememberedDatabase("postgres", rotated)));
    }

    [Test]
    public void An_unreadable_database_file_stops_the_start_naming_it()
    {
        using var dataDir = new TempDirectory("comet-remembered");
        File.WriteAllText(Path.Combine(dataDir.Path, DataFolderDatabase.FileName), "{ not json");

        var refusal = Assert.Throws<InvalidConfigurationException>(() => DatabaseOf(new Dictionary<string, string?> { ["Comet:DataDir"] = dataDir.Path }))!;

        Assert.That(refusal.Message, Does.Contain(Path.Combine(dataDir.Path, "database.json")));
    }

    [Test]
    public async Task A_folder_from_before_the_file_takes_what_its_next_start_uses()
    {
        await using var host = await TestHost.StartAsync(DatabaseProvider.Sqlite);
        File.Delete(Path.Combine(host.DataDir.Path, DataFolderDatabase.FileName));

        await host.RestartAsync();
        await host.MigrateAsync();

        Assert.That(DataFolderDatabase.Read(host.DataDir.Path), Is.EqualTo(new RememberedDatabase("sqlite", null)));
    }

    [Test]
    public async Task A_postgres_folder_started_without_settings_opens_postgres()
    {
        await using var host = await TestHost.StartAsync(DatabaseProvider.Postgres);

        await using var services = TestHost.BuildServices(new Dictionary<string, string?> { ["Comet:DataDir"] = host.DataDir.Path });
        await services.MigrateDatabaseAsync();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CometDbContext>();

        Assert.That(db.Database.IsNpgsql(), Is.True);
        Assert.That(db.Database.GetConnectionString(), Is.EqualTo(host.ConnectionString));
        Assert.That(await db.Users.CountAsync(), Is.Zero, "the migrated database, not a new one");
        Assert.That(File.Exists(Path.Combine(host.DataDir.Path, "comet.db")), Is.False, "no SQLite database beside it");
    }

    [Test]
    public async Task A_postgres_folder_refuses_a_sqlite_start_for_real()
    {
        await using var host = await TestHost.StartAsync(DatabaseProvider.Postgres);

        var refusal = Assert.Throws<InvalidConfigurationException>(() => DatabaseOf(new Dictionary<string, string?>
        {
            ["Comet:DataDir"] = host.DataDir.Path, ["Database:Provider"] = "sqlite",
        }))!;

        Assert.That(refusal.Message, Does.Contain("was made for postgres").And.Contain("asks for sqlite"));
        Assert.That(File.Exists(Path.Combine(host.DataDir.Path, "comet.db")), Is.False);
    }
}
