using System.Net;
using System.Net.Http.Headers;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>
/// The web UI's OAuth sign-in over real HTTP: GET /auth/providers tells the sign-in page what to offer; starting at
/// /auth/github?returnTo=/path ends with the comet_refresh cookie and a redirect to that path of this site only.
/// </summary>
public sealed class OAuthBrowserSignInTests
{
    private FakeOAuthProvider _github = null!;
    private CookieSignIn _host = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _github = await FakeOAuthProvider.StartAsync();
        _host = new CookieSignIn(_github.SettingsFor("GitHub"));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _host.Dispose();
        await _github.DisposeAsync();
    }

    [SetUp]
    public void AnAccount()
    {
        var id = Random.Shared.NextInt64(1, long.MaxValue / 2);
        _github.User = new { id, login = "browser" + id % 100000, name = "Brow Ser" };
        _github.Emails = [];
    }

    /// <summary>Comet → provider → Comet's callback; returns the browser and where the callback sends it next.</summary>
    private async Task<(HttpClient Browser, string Next)> ThroughTheProviderAsync(string returnTo)
    {
        var browser = LoopbackClients.From(_host.Url, "127.0.0.1", cookies: true);
        using var start = await browser.GetAsync($"/auth/github?returnTo={Uri.EscapeDataString(returnTo)}");
        Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await start.Content.ReadAsStringAsync());
        using var outside = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var consent = await outside.GetAsync(start.Headers.Location);
        using var callback = await browser.GetAsync(consent.Headers.Location);
        Assert.That(callback.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await callback.Content.ReadAsStringAsync());
        return (browser, callback.Headers.Location!.ToString());
    }

    [Test]
    public async Task Providers_lists_password_and_only_the_configured_provider()
    {
        var methods = await (await _host.Client.GetAsync("/auth/providers")).ReadJsonAsync();

        Assert.That(methods.GetProperty("password").GetBoolean(), Is.True);
        var providers = methods.GetProperty("providers").EnumerateArray().ToList();
        Assert.That(providers, Has.Count.EqualTo(1), "GitLab has no ClientId here");
        Assert.Multiple(() =>
        {
            Assert.That(providers[0].StringOrNull("name"), Is.EqualTo("github"));
            Assert.That(providers[0].StringOrNull("displayName"), Is.EqualTo("GitHub"));
            Assert.That(providers[0].StringOrNull("url"), Is.EqualTo("/auth/github"));
        });
    }

    [Test]
    public async Task Without_any_provider_configured_only_password_is_offered()
    {
        using var plain = new CookieSignIn();

        var methods = await (await plain.Client.GetAsync("/auth/providers")).ReadJsonAsync();

        Assert.That(methods.GetProperty("password").GetBoolean(), Is.True);
        Assert.That(methods.GetProperty("providers").GetArrayLength(), Is.Zero);
    }

    [Test]
    public async Task The_browser_comes_back_to_its_local_path_with_the_refresh_cookie_and_no_tokens_in_the_address()
    {
        var (browser, next) = await ThroughTheProviderAsync("/projects/web/runs/42?tab=log");
        using (browser)
        {
            using var complete = await browser.GetAsync(next);

            Assert.That(complete.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await complete.Content.ReadAsStringAsync());
            Assert.That(complete.Headers.Location?.ToString(), Is.EqualTo("/projects/web/runs/42?tab=log"));
            var cookie = CookieSignIn.RefreshCookieOf(complete);
            Assert.That(cookie, Is.Not.Null);
            Assert.That(cookie!.HttpOnly && cookie.Path == "/auth/refresh" && cookie.SameSite == Microsoft.Net.Http.Headers.SameSiteMode.Strict, Is.True);

            // The page then gets its access token the way the UI always does.
            using var refreshed = await _host.SendToRefreshAsync(HttpMethod.Post, cookie.Value.ToString());
            var body = await refreshed.ReadJsonAsync();
            Assert.That(refreshed.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
            using var me = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
            me.Headers.Authorization = new AuthenticationHeaderValue("Bearer", body.StringOrNull("accessToken"));
            var user = await (await _host.Client.SendAsync(me)).ReadJsonAsync();
            Assert.That(user.StringOrNull("username"), Does.StartWith("browser"));
        }
    }

    [TestCase("//evil.example/")]
    [TestCase("https://evil.example/")]
    [TestCase("/\\evil.example/")]
    [TestCase("evil.example")]
    [TestCase("/\t/evil.example")]
    [TestCase("")]
    public async Task A_return_path_that_leaves_the_site_is_refused_before_the_provider(string returnTo)
    {
        using var browser = LoopbackClients.From(_host.Url, "127.0.0.1");

        using var start = await browser.GetAsync($"/auth/github?returnTo={Uri.EscapeDataString(returnTo)}");

        var problem = await start.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("returnTo must be a path of this site"));
        Assert.That(start.Headers.Location, Is.Null);
    }

    [TestCase("//evil.example/")]
    [TestCase("https://evil.example/")]
    [TestCase("/\\evil.example/")]
    public async Task A_return_path_swapped_in_at_the_completion_is_refused_too(string returnTo)
    {
        var (browser, _) = await ThroughTheProviderAsync("/");
        using (browser)
        {
            using var complete = await browser.GetAsync($"/auth/github/complete?returnTo={Uri.EscapeDataString(returnTo)}");

            await complete.ReadProblemAsync(HttpStatusCode.BadRequest);
            Assert.That(complete.Headers.Location, Is.Null);
            Assert.That(CookieSignIn.RefreshCookieOf(complete), Is.Null, "no sign-in handed out");
        }
    }
}
