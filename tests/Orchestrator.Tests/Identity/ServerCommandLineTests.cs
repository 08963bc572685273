using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>
/// The built orchestrator as its own process: `reset-admin` against a real data folder (server running or stopped),
/// a start that names another database than the folder's, and the first admin's password file.
/// </summary>
public sealed class ServerCommandLineTests
{
    private static readonly Dictionary<string, string?> NoBootstrap = new() { ["Identity:BootstrapAdmin"] = "" };

    [Test]
    public async Task Reset_admin_prints_a_one_time_password_that_works_while_the_server_runs()
    {
        using var dataDir = new TempDirectory("comet-reset-admin");
        using var factory = new OrchestratorFactory(NoBootstrap, dataDir.Path);
        using var client = factory.CreateClient();
        var initialFile = Path.Combine(dataDir.Path, "initial-admin-password");
        var initial = (await File.ReadAllTextAsync(initialFile)).Trim();

        var (exitCode, stdout, stderr) = await RunAsync(dataDir.Path, ["reset-admin"]);

        Assert.That(exitCode, Is.EqualTo(0), stderr);
        var password = stdout.Trim();
        Assert.That(stdout.Trim().Split('\n'), Has.Length.EqualTo(1), "stdout holds the password alone");
        using var old = await client.PostAsJsonAsync("/auth/login", new { username = "admin", password = initial });
        using var login = await client.PostAsJsonAsync("/auth/login", new { username = "admin", password });
        Assert.Multiple(async () =>
        {
            Assert.That(password, Has.Length.GreaterThanOrEqualTo(20));
            Assert.That(stderr, Does.Contain("New one-time password for 'admin'"));
            Assert.That(old.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the first password no longer works");
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), await login.Content.ReadAsStringAsync());
            Assert.That((await login.ReadJsonAsync()).GetProperty("passwordChangeRequired").GetBoolean(), Is.True);
            Assert.That(File.Exists(initialFile), Is.False, "a password file that no longer works is removed, not rewritten");
        });
    }

    [Test]
    public async Task Reset_admin_works_with_the_server_stopped_and_names_the_admins_when_the_user_is_unknown()
    {
        using var dataDir = new TempDirectory("comet-reset-admin");
        var chief = new Dictionary<string, string?> { ["Identity:BootstrapAdmin"] = "chief:chief-password" };
        using (var first = new OrchestratorFactory(chief, dataDir.Path))
            first.CreateClient().Dispose();

        var unknown = await RunAsync(dataDir.Path, ["reset-admin"]);
        var reset = await RunAsync(dataDir.Path, ["reset-admin", "chief"]);

        Assert.Multiple(() =>
        {
            Assert.That(unknown.ExitCode, Is.EqualTo(1), unknown.Stderr);
            Assert.That(unknown.Stderr, Does.Contain("no account 'admin'").And.Contain("its admins: chief"));
            Assert.That(unknown.Stdout, Is.Empty);
            Assert.That(reset.ExitCode, Is.EqualTo(0), reset.Stderr);
        });
        using var restarted = new OrchestratorFactory(chief, dataDir.Path);
        using var client = restarted.CreateClient();
        using var login = await client.PostAsJsonAsync("/auth/login", new { username = "chief", password = reset.Stdout.Trim() });
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), await login.Content.ReadAsStringAsync());
        using var audit = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/me")
        {
            Headers = { Authorization = new("Bearer", (await login.ReadJsonAsync()).GetProperty("accessToken").GetString()) },
        });
        Assert.That(audit.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Reset_admin_on_a_folder_without_an_instance_makes_no_database()
    {
        using var dataDir = new TempDirectory("comet-reset-admin");

        var (exitCode, stdout, stderr) = await RunAsync(dataDir.Path, ["reset-admin"]);

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(1), stderr);
            Assert.That(stderr, Does.Contain($"there is no Comet instance in {dataDir.Path}"));
            Assert.That(stdout, Is.Empty);
            Assert.That(Directory.GetFiles(dataDir.Path), Is.Empty, "no empty database, no remembered settings");
        });
    }

    [Test]
    public async Task Reset_admin_uses_the_postgres_database_the_folder_remembers()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync();
        using var dataDir = new TempDirectory("comet-reset-admin");
        var postgres = new Dictionary<string, string?> { ["Database:Provider"] = "postgres", ["ConnectionStrings:Comet"] = connectionString };
        try
        {
            using (var first = new OrchestratorFactory(postgres, dataDir.Path))
                first.CreateClient().Dispose();

            // No database settings at all: the folder says where its database is.
            var (exitCode, stdout, stderr) = await RunAsync(dataDir.Path, ["reset-admin", OrchestratorFactory.AdminName]);

            Assert.That(exitCode, Is.EqualTo(0), stderr);
            Assert.That(stderr, Does.Contain("postgres database"));
            Assert.That(File.Exists(Path.Combine(dataDir.Path, "comet.db")), Is.False);
            using var again = new OrchestratorFactory(postgres, dataDir.Path);
            using var client = again.CreateClient();
            using var login = await client.PostAsJsonAsync("/auth/login", new { username = OrchestratorFactory.AdminName, password = stdout.Trim() });
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), await login.Content.ReadAsStringAsync());
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(connectionString);
        }
    }

    [Test]
    public async Task A_start_asking_for_postgres_on_a_sqlite_folder_exits_2_in_one_line_without_the_password()
    {
        using var dataDir = new TempDirectory("comet-remembered");
        using (var first = new OrchestratorFactory(dataDir: dataDir.Path))
            first.CreateClient().Dispose();

        var (exitCode, _, stderr) = await RunAsync(dataDir.Path, [], new Dictionary<string, string>
        {
            ["Database__Provider"] = "postgres",
            ["ConnectionStrings__Comet"] = "Host=127.0.0.1;Database=comet;Username=comet;Password=hunter2",
        });

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(2), stderr);
            Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), stderr);
            Assert.That(stderr, Does.StartWith($"Comet orchestrator cannot start: the data folder {dataDir.Path} was made for sqlite"));
            Assert.That(stderr, Does.Contain("asks for postgres (Host=127.0.0.1"));
            Assert.That(stderr, Does.Not.Contain("hunter2"));
        });
    }

    [Test]
    public void The_first_admin_password_file_of_an_earlier_database_is_never_overwritten()
    {
        using var dataDir = new TempDirectory("comet-bootstrap");
        var file = Path.Combine(dataDir.Path, "initial-admin-password");
        File.WriteAllText(file, "from-an-earlier-database\n");

        using (var factory = new OrchestratorFactory(NoBootstrap, dataDir.Path))
            factory.CreateClient().Dispose();

        Assert.That(File.ReadAllText(file), Is.EqualTo("from-an-earlier-database\n"));
    }

    /// <summary>Runs the built orchestrator with <paramref name="args"/> on <paramref name="dataDir"/>; no database settings unless given.</summary>
    private static Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string dataDir, string[] args,
        IReadOnlyDictionary<string, string>? environment = null) =>
        OrchestratorBinary.RunAsync(dataDir, args, environment, TimeSpan.FromSeconds(60), "Database__Provider", "COMET_BOOTSTRAP_ADMIN");
}
