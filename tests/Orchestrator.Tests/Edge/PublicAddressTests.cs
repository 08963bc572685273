using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Web;
using Comet.Orchestrator.Tests.Identity;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.Orchestrator.Tests.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Comet.Orchestrator.Tests.Edge;

/// <summary>
/// Through a real gateway process, every link Comet makes (OAuth redirect_uri, signed artifact URLs, run links) uses
/// the address the client used at the gateway, never the orchestrator's own loopback port; and the OAuth cookie works
/// over plain http (SameSite=Lax, no Secure).
/// </summary>
public sealed class PublicAddressThroughGatewayTests
{
    private FakeOAuthProvider _github = null!;
    private GatewayInFront _edge = null!;
    private readonly List<TestRepository> _repositories = [];

    [OneTimeSetUp]
    public async Task Start()
    {
        _github = await FakeOAuthProvider.StartAsync();
        var settings = _github.SettingsFor("GitHub");
        settings["Runner:PollInterval"] = "00:00:00.200";
        _edge = await GatewayInFront.StartAsync(settings);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _edge.DisposeAsync();
        await _github.DisposeAsync();
        foreach (var repository in _repositories) repository.Dispose();
    }

    private string GatewayRoot => _edge.GatewayUrl.ToString().TrimEnd('/');

    [Test]
    public async Task The_OAuth_redirect_uri_is_the_gateways_address_and_the_sign_in_completes_over_plain_http()
    {
        _github.User = new { id = 777001, login = "through-gateway", name = "Through Gateway" };
        _github.Emails = [new { email = "through-gateway@example.com", primary = true, verified = true, visibility = "private" }];
        using var browser = _edge.GatewayClient(from: "127.0.0.21", cookies: true);
        using var outside = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using var start = await browser.GetAsync("/auth/github");
        Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await start.Content.ReadAsStringAsync());
        var redirectUri = HttpUtility.ParseQueryString(start.Headers.Location!.Query)["redirect_uri"];
        var correlation = start.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal));
        using var consent = await outside.GetAsync(start.Headers.Location);
        using var callback = await browser.GetAsync(consent.Headers.Location);
        using var complete = await browser.GetAsync("/auth/github/complete");

        Assert.Multiple(async () =>
        {
            Assert.That(redirectUri, Is.EqualTo($"{GatewayRoot}/auth/github/callback"));
            Assert.That(correlation, Does.Contain("samesite=lax").IgnoreCase);
            Assert.That(correlation, Does.Not.Contain("secure").IgnoreCase, "a Secure cookie is never sent back over http");
            Assert.That(callback.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await callback.Content.ReadAsStringAsync());
            Assert.That(complete.StatusCode, Is.EqualTo(HttpStatusCode.OK), await complete.Content.ReadAsStringAsync());
        });
    }

    [Test]
    public async Task Signed_artifact_urls_and_run_links_use_the_gateways_address()
    {
        using var client = OrchestratorFactory.SignIn(_edge.GatewayClient(from: "127.0.0.22"), OrchestratorFactory.AdminName, OrchestratorFactory.AdminPassword);
        var repository = TestRepository.Create("""
            jobs:
              build:
                steps:
                  - run: mkdir -p dist && printf 'through the gateway\n' > dist/out.txt
                artifacts: ["dist/*.txt"]
            """);
        _repositories.Add(repository);
        var project = await client.CreateProjectAsync(repository.Url);

        using var triggered = await client.PostAsJsonAsync($"/api/v1/projects/{project.Slug}/runs", new { });
        var created = await triggered.Content.ReadFromJsonAsync<JsonElement>();
        var runId = Guid.Parse(created.GetProperty("id").GetString()!);
        var run = await client.WaitForEndAsync(runId);
        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var read = await client.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{runId}");
        var artifact = (await client.ListArtifactsAsync(runId)).Artifact("build", "dist/out.txt");
        var signed = (await client.CreateSignedUrlAsync(runId, artifact)).GetProperty("url").GetString()!;
        using var anonymous = _edge.GatewayClient(from: "127.0.0.23");
        using var download = await anonymous.GetAsync(signed);

        Assert.Multiple(async () =>
        {
            Assert.That(created.GetProperty("url").GetString(), Is.EqualTo($"{GatewayRoot}/api/v1/runs/{runId}"), "the manual run's answer");
            Assert.That(read.GetProperty("url").GetString(), Is.EqualTo($"{GatewayRoot}/api/v1/runs/{runId}"), "the run's answer");
            Assert.That(signed, Does.StartWith($"{GatewayRoot}/api/v1/artifacts/"), "not the orchestrator's " + _edge.OrchestratorUrl);
            Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await download.Content.ReadAsStringAsync(), Is.EqualTo("through the gateway\n"));
        });
    }
}

/// <summary>With Comet:PublicUrl set, every link uses it whatever address the request came to, and https makes the cookie Secure.</summary>
public sealed class ConfiguredPublicUrlTests : PipelineTestBase
{
    private const string PublicUrl = "https://ci.example.test/comet";
    private static FakeOAuthProvider? _github;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings
    {
        get
        {
            _github ??= FakeOAuthProvider.StartAsync().GetAwaiter().GetResult();
            var settings = _github.SettingsFor("GitHub");
            settings["Comet:PublicUrl"] = PublicUrl;
            return settings;
        }
    }

    [OneTimeTearDown]
    public async Task StopProvider()
    {
        if (_github is not null) await _github.DisposeAsync();
        _github = null;
    }

    [Test]
    public async Task The_OAuth_redirect_uri_uses_the_public_url_and_the_cookie_is_Secure_over_https()
    {
        using var browser = Factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("http://localhost"), AllowAutoRedirect = false });

        using var start = await browser.GetAsync("/auth/github");

        Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await start.Content.ReadAsStringAsync());
        var redirectUri = HttpUtility.ParseQueryString(start.Headers.Location!.Query)["redirect_uri"];
        var correlation = start.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Correlation.", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(redirectUri, Is.EqualTo($"{PublicUrl}/auth/github/callback"));
            Assert.That(correlation, Does.Contain("secure").IgnoreCase);
            Assert.That(correlation, Does.Contain("samesite=lax").IgnoreCase);
        });
    }

    [Test]
    public async Task Signed_artifact_urls_and_run_links_use_the_public_url()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              build:
                steps:
                  - run: mkdir -p dist && echo hi > dist/a.txt
                artifacts: ["dist/*.txt"]
            """);
        var run = await Client.TriggerAndWaitAsync(project.Slug);
        var read = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/runs/{run.Id}");
        var artifact = (await Client.ListArtifactsAsync(run.Id)).Artifact("build", "dist/a.txt");

        var signed = (await Client.CreateSignedUrlAsync(run.Id, artifact)).GetProperty("url").GetString();

        Assert.Multiple(() =>
        {
            Assert.That(read.GetProperty("url").GetString(), Is.EqualTo($"{PublicUrl}/api/v1/runs/{run.Id}"));
            Assert.That(signed, Does.StartWith($"{PublicUrl}/api/v1/artifacts/{artifact.GetProperty("id").GetString()}/download?"));
        });
    }
}

/// <summary>A public URL that is not an absolute http(s) address stops the orchestrator at start, naming the setting.</summary>
public sealed class PublicUrlValidationTests
{
    [TestCase("ci.example.com")]
    [TestCase("ftp://ci.example.com")]
    [TestCase("https://ci.example.com/?x=1")]
    public async Task An_invalid_public_url_stops_the_orchestrator_naming_the_setting(string url)
    {
        using var dataDir = new Comet.TestSupport.TempDirectory("comet-public-url");

        var (exitCode, _, stderr) = await OrchestratorBinary.RunAsync(dataDir.Path, [],
            new Dictionary<string, string> { ["Comet__PublicUrl"] = url }, TimeSpan.FromSeconds(30));

        Assert.That(exitCode, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.Contain("Comet:PublicUrl").And.Contain($"'{url}'"));
    }
}
