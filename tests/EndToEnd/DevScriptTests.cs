using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Comet.TestSupport;

namespace Comet.EndToEnd;

/// <summary>The newcomer's path: ./dev.sh start, use Comet through the gateway, ./dev.sh stop.</summary>
[NonParallelizable]
public class DevScriptTests
{
    private readonly List<(DevScript Script, TempDirectory Dir)> _instances = [];

    private DevScript NewInstance()
    {
        var dir = new TempDirectory("comet-e2e");
        var script = new DevScript(dir.Path, FreePort.Next(), FreePort.Next());
        _instances.Add((script, dir));
        return script;
    }

    [TearDown]
    public async Task StopEverything()
    {
        foreach (var (script, dir) in _instances)
        {
            await script.RunAsync("stop", TimeSpan.FromMinutes(1));
            dir.Dispose();
        }
        _instances.Clear();
    }

    [Test]
    public async Task Start_serves_health_and_projects_through_the_gateway_and_stop_leaves_no_process()
    {
        var comet = NewInstance();

        var (code, output) = await comet.RunAsync("start");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain($"http://127.0.0.1:{comet.GatewayPort}/swagger"));

        using var anonymous = new HttpClient { BaseAddress = comet.GatewayUrl };
        var ready = await anonymous.GetAsync("/health/ready");
        Assert.That(ready.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ready.Content.ReadAsStringAsync());
        var withoutToken = await anonymous.GetAsync("/api/v1/projects");
        Assert.That(withoutToken.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the API needs a token");
        using var direct = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{comet.OrchestratorPort}") };
        var aroundTheGateway = await direct.GetAsync("/api/v1/projects");
        Assert.That(aroundTheGateway.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the orchestrator checks tokens itself");

        // The first start made an admin with a random password and showed it once.
        var shown = System.Text.RegularExpressions.Regex.Match(output, "sign in as 'admin' with the password (\\S+)");
        Assert.That(shown.Success, Is.True, output);
        using var http = await comet.SignedInClientAsync("admin", shown.Groups[1].Value);

        var created = await http.PostAsJsonAsync("/api/v1/projects", new { name = "End To End", repoUrl = "https://github.com/acme/e2e.git" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var readBack = await http.GetFromJsonAsync<JsonElement>("/api/v1/projects/end-to-end");
        Assert.Multiple(() =>
        {
            Assert.That(readBack.GetProperty("name").GetString(), Is.EqualTo("End To End"));
            Assert.That(readBack.GetProperty("repoUrl").GetString(), Is.EqualTo("https://github.com/acme/e2e.git"));
            Assert.That(readBack.GetProperty("forge").GetString(), Is.EqualTo("github"));
        });

        var again = await comet.RunAsync("start");
        Assert.That(again.Output, Does.Contain("already running"));

        var pids = comet.RecordedPids();
        Assert.That(pids, Has.Count.EqualTo(2));

        var stop = await comet.RunAsync("stop", TimeSpan.FromMinutes(1));
        Assert.That(stop.ExitCode, Is.EqualTo(0), stop.Output);
        Assert.Multiple(() =>
        {
            foreach (var pid in pids) Assert.That(DevScript.IsAlive(pid), Is.False, $"process {pid} is still running after stop");
            Assert.That(PortAnswers(comet.GatewayPort), Is.False, "the gateway port still answers");
            Assert.That(PortAnswers(comet.OrchestratorPort), Is.False, "the orchestrator port still answers");
        });
        Assert.That((await comet.RunAsync("status")).Output, Does.Contain("Gateway: stopped"));
    }

    [Test]
    public async Task Two_instances_with_their_own_data_folders_and_ports_run_side_by_side()
    {
        var first = NewInstance();
        var second = NewInstance();
        first.Environment["COMET_BOOTSTRAP_ADMIN"] = "first-admin:first-password";
        second.Environment["COMET_BOOTSTRAP_ADMIN"] = "second-admin:second-password";

        Assert.That((await first.RunAsync("start")).ExitCode, Is.EqualTo(0));
        Assert.That((await second.RunAsync("start")).ExitCode, Is.EqualTo(0));

        using var one = await first.SignedInClientAsync("first-admin", "first-password");
        using var two = await second.SignedInClientAsync("second-admin", "second-password");
        var created = await one.PostAsJsonAsync("/api/v1/projects", new { name = "Only In First", repoUrl = "https://example.com/a.git" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var inFirst = await one.GetAsync("/api/v1/projects/only-in-first");
        var inSecond = await two.GetAsync("/api/v1/projects/only-in-first");
        Assert.Multiple(() =>
        {
            Assert.That(inFirst.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(inSecond.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "the second instance must have its own database");
            Assert.That(File.Exists(Path.Combine(first.DataDir, "comet.db")), Is.True);
            Assert.That(File.Exists(Path.Combine(second.DataDir, "logs", "gateway.log")), Is.True);
        });
    }

    [Test]
    public async Task A_data_folder_made_on_postgres_opens_postgres_again_without_the_variables_and_reset_admin_gives_a_password_that_works()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        try
        {
            var comet = NewInstance();
            comet.Environment["Database__Provider"] = "postgres";
            comet.Environment["ConnectionStrings__Comet"] = database;
            var first = await comet.RunAsync("start");
            Assert.That(first.ExitCode, Is.EqualTo(0), first.Output);
            var password = System.Text.RegularExpressions.Regex.Match(first.Output, "sign in as 'admin' with the password (\\S+)").Groups[1].Value;
            using (var http = await comet.SignedInClientAsync("admin", password))
            {
                var created = await http.PostAsJsonAsync("/api/v1/projects", new { name = "Kept On Postgres", repoUrl = "https://example.com/k.git" });
                Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
            }
            Assert.That((await comet.RunAsync("stop", TimeSpan.FromMinutes(1))).ExitCode, Is.EqualTo(0));

            // The newcomer's mistake from the issue: the next start forgets the PostgreSQL variables.
            comet.Environment.Clear();
            var again = await comet.RunAsync("start");
            Assert.That(again.ExitCode, Is.EqualTo(0), again.Output);
            Assert.Multiple(() =>
            {
                Assert.That(File.Exists(Path.Combine(comet.DataDir, "comet.db")), Is.False, "no new, empty SQLite database");
                Assert.That(File.ReadAllText(Path.Combine(comet.DataDir, "initial-admin-password")).Trim(), Is.EqualTo(password),
                    "the first admin's password file is not overwritten");
            });
            using (var http = await comet.SignedInClientAsync("admin", password))
            {
                var kept = await http.GetAsync("/api/v1/projects/kept-on-postgres");
                Assert.That(kept.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the project made on PostgreSQL is there: the same database");
            }

            var reset = await comet.RunAsync("reset-admin");
            Assert.That(reset.ExitCode, Is.EqualTo(0), reset.Output);
            var oneTime = reset.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0].Trim();
            using var anonymous = new HttpClient { BaseAddress = comet.GatewayUrl };
            using var withNew = await anonymous.PostAsJsonAsync("/auth/login", new { username = "admin", password = oneTime });
            var answer = await withNew.Content.ReadAsStringAsync();
            using var withOld = await anonymous.PostAsJsonAsync("/auth/login", new { username = "admin", password });
            Assert.Multiple(() =>
            {
                Assert.That(withNew.StatusCode, Is.EqualTo(HttpStatusCode.OK), answer);
                Assert.That(JsonDocument.Parse(answer).RootElement.GetProperty("passwordChangeRequired").GetBoolean(), Is.True);
                Assert.That(withOld.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the old password stopped working");
            });
        }
        finally
        {
            foreach (var (script, _) in _instances) await script.RunAsync("stop", TimeSpan.FromMinutes(1));
            await TestPostgres.DropDatabaseAsync(database);
        }
    }

    private static bool PortAnswers(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
