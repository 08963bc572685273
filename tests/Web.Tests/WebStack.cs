using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Comet.TestSupport;

namespace Comet.Web.Tests;

/// <summary>
/// One real Comet for the whole assembly, started with ./dev.sh start in its own data folder and ports (the build
/// ./dev.sh test made is the one it runs), and one headless Debian chromium driven by Playwright.
/// </summary>
[SetUpFixture]
public sealed class WebStack
{
    public const string AdminUser = "admin";
    public static readonly string AdminPassword = "Admin-" + Guid.NewGuid().ToString("N")[..16];

    private static TempDirectory? _data;
    private static IPlaywright? _playwright;

    public static DevScript Comet { get; private set; } = null!;
    public static IBrowser Browser { get; private set; } = null!;
    public static Uri Url => Comet.GatewayUrl;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _data = new TempDirectory("comet-web");
        Comet = new DevScript(_data.Path, FreePort.Next(), FreePort.Next());
        Comet.Environment["COMET_BOOTSTRAP_ADMIN"] = $"{AdminUser}:{AdminPassword}";
        Comet.Environment["Gateway__RouteFile"] = RouteFileWithRoomForTheSuite(_data.Path);
        var (exitCode, output) = await Comet.RunAsync("start", TimeSpan.FromMinutes(10));
        Assert.That(exitCode, Is.Zero, "./dev.sh start: " + output);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            // Chromium's own sandbox needs user namespaces it cannot set up as root inside this test run.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Comet is not null) await Comet.RunAsync("stop", TimeSpan.FromMinutes(1));
        _data?.Dispose();
    }

    /// <summary>
    /// The shipped route file with its per-client limits raised: every browser test comes from the same loopback address,
    /// so the real limits (30 sign-ins and 600 API calls a minute per client) would refuse whichever tests come after
    /// the suite has used them up.
    /// </summary>
    private static string RouteFileWithRoomForTheSuite(string folder)
    {
        var route = File.ReadAllText(System.IO.Path.Combine(DevScript.RepositoryRoot, "src", "Gateway", "gateway.json"));
        foreach (var limit in new[] { "\"Period\": \"1m\", \"Limit\": 30,", "\"Period\": \"1m\", \"Limit\": 600 }" })
        {
            Assert.That(route, Does.Contain(limit), "a limit in gateway.json moved; update the web tests' copy");
            route = route.Replace(limit, limit.Replace("30", "100000").Replace("600", "100000"));
        }
        var path = System.IO.Path.Combine(folder, "gateway.json");
        File.WriteAllText(path, route);
        return path;
    }

    private static string ChromiumPath()
    {
        foreach (var candidate in new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" })
            if (File.Exists(candidate)) return candidate;
        Assert.Fail("Debian's chromium is not installed (./dev.sh test installs it with apt-get).");
        return "";
    }

    /// <summary>An API client signed in as the admin (or another user), for arranging what a test then looks at.</summary>
    public static Task<HttpClient> ApiAsync(string user = AdminUser, string? password = null) =>
        Comet.SignedInClientAsync(user, password ?? AdminPassword);

    /// <summary>Makes an account through the admin API and returns its password.</summary>
    public static async Task<string> CreateUserAsync(string username, string role = "user")
    {
        var password = "Pw-" + Guid.NewGuid().ToString("N")[..16];
        using var admin = await ApiAsync();
        using var answer = await admin.PostAsJsonAsync("/api/v1/admin/users", new { username, password, role });
        Assert.That(answer.IsSuccessStatusCode, Is.True, await answer.Content.ReadAsStringAsync());
        return password;
    }

    /// <summary>A project registered through the API whose repository is a real git repository in a temp folder.</summary>
    public static async Task<TestProject> CreateProjectAsync(string pipeline, string? name = null)
    {
        var project = TestProject.Create(pipeline);
        using var admin = await ApiAsync();
        using var answer = await admin.PostAsJsonAsync("/api/v1/projects", new
        {
            name = name ?? "Web " + Guid.NewGuid().ToString("N")[..6],
            repoUrl = project.Url,
            forge = "github",
        });
        var body = await answer.Content.ReadAsStringAsync();
        Assert.That(answer.IsSuccessStatusCode, Is.True, body);
        var created = JsonNode.Parse(body)!;
        project.Slug = created["slug"]!.GetValue<string>();
        project.WebhookSecret = created["webhookSecret"]!.GetValue<string>();
        return project;
    }

    /// <summary>
    /// Sends a signed GitHub push webhook for the repository's head through the gateway, with the same script the
    /// README's demo uses, and returns the id of the run it made.
    /// </summary>
    public static async Task<string> PushAsync(TestProject project, string message = "First commit")
    {
        var answer = await PushAnswerAsync(project, message);
        var runId = JsonNode.Parse(answer)?["runId"]?.GetValue<string>();
        Assert.That(runId, Is.Not.Null.And.Not.Empty, "the push made no run: " + answer);
        return runId!;
    }

    /// <summary>The same push, signed with the project's <see cref="TestProject.WebhookSecret"/>: Comet's answer as it is.</summary>
    public static async Task<string> PushAnswerAsync(TestProject project, string message)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = DevScript.RepositoryRoot,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(". scripts/github-push.sh && github_push \"$1\" \"$2\" \"$3\" \"$4\" \"$5\" \"$6\"");
        info.ArgumentList.Add("push");
        foreach (var argument in new[] { Url.ToString().TrimEnd('/'), project.Slug, project.WebhookSecret, project.Path, project.HeadSha, message })
            info.ArgumentList.Add(argument);
        var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(info, TimeSpan.FromMinutes(1), "github_push");
        Assert.That(exitCode, Is.Zero, stderr);
        return stdout;
    }
}
