using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>Sign-in with GitHub and GitLab against a fake provider: create, link by id, link by verified email only, errors.</summary>
public sealed class OAuthSignInTests
{
    private FakeOAuthProvider _github = null!;
    private FakeOAuthProvider _gitlab = null!;
    private OrchestratorFactory _factory = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _github = await FakeOAuthProvider.StartAsync();
        _gitlab = await FakeOAuthProvider.StartAsync();
        var settings = _github.SettingsFor("GitHub");
        foreach (var (key, value) in _gitlab.SettingsFor("GitLab")) settings[key] = value;
        _factory = new OrchestratorFactory(settings);
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _factory.Dispose();
        await _github.DisposeAsync();
        await _gitlab.DisposeAsync();
    }

    [SetUp]
    public void HealthyProviders()
    {
        _github.Deny = _gitlab.Deny = false;
        _github.BreakTokenEndpoint = _gitlab.BreakTokenEndpoint = false;
    }

    /// <summary>Walks the browser's path: Comet → provider → Comet's callback → completion; returns the last answer.</summary>
    private async Task<HttpResponseMessage> SignInWith(string provider, Func<string, string>? tamperCallback = null)
    {
        var browser = _factory.CreateClient(new WebApplicationFactoryClientOptions
        {
            BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true,
        });
        using var start = await browser.GetAsync($"/auth/{provider}");
        Assert.That(start.StatusCode, Is.EqualTo(HttpStatusCode.Redirect), await start.Content.ReadAsStringAsync());
        using var outside = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var consent = await outside.GetAsync(start.Headers.Location);
        Assert.That(consent.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var callback = consent.Headers.Location!.ToString();
        var back = await browser.GetAsync(tamperCallback is null ? callback : tamperCallback(callback));
        if (back.StatusCode != HttpStatusCode.Redirect) return back;
        back.Dispose();
        return await browser.GetAsync($"/auth/{provider}/complete");
    }

    private async Task<JsonElement> Me(HttpResponseMessage tokensAnswer)
    {
        Assert.That(tokensAnswer.StatusCode, Is.EqualTo(HttpStatusCode.OK), await tokensAnswer.Content.ReadAsStringAsync());
        var tokens = await tokensAnswer.Content.ReadFromJsonAsync<JsonElement>();
        using var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", tokens.GetProperty("accessToken").GetString());
        return await client.GetFromJsonAsync<JsonElement>("/api/v1/me");
    }

    private static object GitHubUser(long id, string login, string? email = null) => new { id, login, name = "Octo " + login, email };

    [Test]
    public async Task A_new_GitHub_account_becomes_a_user_and_signs_in_again_as_the_same_user()
    {
        var id = Random.Shared.NextInt64(1, long.MaxValue / 2);
        var login = "octo" + id % 100000;
        _github.User = GitHubUser(id, login);
        _github.Emails = [new { email = $"{login}@users.example", primary = true, verified = true, visibility = "private" }];

        var first = await Me(await SignInWith("github"));
        var second = await Me(await SignInWith("github"));

        Assert.Multiple(() =>
        {
            Assert.That(first.GetProperty("username").GetString(), Is.EqualTo(login));
            Assert.That(first.GetProperty("role").GetString(), Is.EqualTo("user"));
            Assert.That(second.GetProperty("id").GetString(), Is.EqualTo(first.GetProperty("id").GetString()), "linked by GitHub's user id");
        });
    }

    [Test]
    public async Task A_GitHub_account_with_a_verified_email_signs_in_as_the_existing_user_with_that_email()
    {
        using var admin = _factory.CreateSignedInClient();
        var name = "alice" + Guid.NewGuid().ToString("N")[..6];
        using var created = await admin.PostAsJsonAsync("/api/v1/admin/users", new { username = name, password = "long enough password", email = $"{name}@example.com" });
        _github.User = GitHubUser(Random.Shared.NextInt64(1, long.MaxValue / 2), "gh-" + name);
        _github.Emails = [new { email = $"{name.ToUpperInvariant()}@example.com", primary = true, verified = true, visibility = "public" }];

        var me = await Me(await SignInWith("github"));

        Assert.That(me.GetProperty("username").GetString(), Is.EqualTo(name));
    }

    [Test]
    public async Task An_unverified_email_does_not_link_to_the_user_with_that_email()
    {
        using var admin = _factory.CreateSignedInClient();
        var name = "bob" + Guid.NewGuid().ToString("N")[..6];
        using var created = await admin.PostAsJsonAsync("/api/v1/admin/users", new { username = name, password = "long enough password", email = $"{name}@example.com" });
        _github.User = GitHubUser(Random.Shared.NextInt64(1, long.MaxValue / 2), "gh-" + name, $"{name}@example.com");
        _github.Emails = [new { email = $"{name}@example.com", primary = true, verified = false, visibility = "public" }];

        var me = await Me(await SignInWith("github"));

        Assert.That(me.GetProperty("username").GetString(), Is.EqualTo("gh-" + name), "a new account, not bob's");
    }

    [Test]
    public async Task A_GitLab_account_signs_in_from_GitLabs_user_shape()
    {
        var id = Random.Shared.Next(1, int.MaxValue);
        _gitlab.User = new { id, username = "tanuki" + id, name = "Tanuki", email = $"tanuki{id}@example.org", confirmed_at = "2024-01-02T03:04:05Z", state = "active" };

        var me = await Me(await SignInWith("gitlab"));

        Assert.That(me.GetProperty("username").GetString(), Is.EqualTo("tanuki" + id));
    }

    [Test]
    public async Task Declined_consent_is_a_clear_400()
    {
        _github.Deny = true;

        using var answer = await SignInWith("github");

        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await answer.Content.ReadAsStringAsync(), Does.Contain("You declined to let Comet read your GitHub account"));
    }

    [Test]
    public async Task A_tampered_state_is_a_clear_400()
    {
        using var answer = await SignInWith("github", callback => System.Text.RegularExpressions.Regex.Replace(callback, "state=[^&]+", "state=forged"));

        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await answer.Content.ReadAsStringAsync(), Does.Contain("could not be verified"));
    }

    [Test]
    public async Task A_provider_error_is_a_clear_400()
    {
        _github.BreakTokenEndpoint = true;

        using var answer = await SignInWith("github");

        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await answer.Content.ReadAsStringAsync(), Does.Contain("GitHub sign-in failed"));
    }

    [Test]
    public async Task A_provider_that_is_not_configured_answers_404_saying_so()
    {
        using var factory = new OrchestratorFactory();
        using var client = factory.CreateClient();

        using var answer = await client.GetAsync("/auth/github");

        Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await answer.Content.ReadAsStringAsync(), Does.Contain("Identity:OAuth:GitHub:ClientId"));
    }
}

/// <summary>With Identity:OAuth:CompletionUrl, the browser is sent to that page with the tokens in the fragment.</summary>
public sealed class OAuthCompletionRedirectTests
{
    [Test]
    public async Task The_browser_lands_on_the_completion_page_with_tokens_in_the_fragment()
    {
        await using var github = await FakeOAuthProvider.StartAsync();
        github.User = new { id = 4242, login = "redirected", name = "Re Directed" };
        github.Emails = [new { email = "redirected@example.com", primary = true, verified = true, visibility = "private" }];
        var settings = github.SettingsFor("GitHub");
        settings["Identity:OAuth:CompletionUrl"] = "https://ci.example.com/signed-in";
        using var factory = new OrchestratorFactory(settings);
        var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true });
        using var outside = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });

        using var start = await browser.GetAsync("/auth/github");
        using var consent = await outside.GetAsync(start.Headers.Location);
        using var callback = await browser.GetAsync(consent.Headers.Location);
        using var complete = await browser.GetAsync("/auth/github/complete");

        Assert.That(complete.StatusCode, Is.EqualTo(HttpStatusCode.Redirect));
        var landing = complete.Headers.Location!;
        Assert.That(landing.GetLeftPart(UriPartial.Path), Is.EqualTo("https://ci.example.com/signed-in"));
        var fragment = System.Web.HttpUtility.ParseQueryString(landing.Fragment.TrimStart('#'));
        Assert.That(fragment["access_token"], Is.Not.Empty);
        Assert.That(fragment["refresh_token"], Does.StartWith("crt_"));
        Assert.That(landing.Query, Is.Empty, "tokens never in the query string, which servers log");
    }
}
