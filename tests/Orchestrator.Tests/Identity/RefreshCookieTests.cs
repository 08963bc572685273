using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Comet.Hosting;
using Microsoft.Net.Http.Headers;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>
/// The web UI's sign-in: the refresh token lives in an HttpOnly cookie that only /auth/refresh receives, the access token
/// in the page. API clients that send tokens in bodies see no change.
/// </summary>
public sealed class RefreshCookieTests
{
    private static readonly TimeSpan RefreshLifetime = TimeSpan.FromDays(30);

    private CookieSignIn _host = null!;

    [OneTimeSetUp]
    public void Start() => _host = new CookieSignIn();

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    private async Task<string> CookieLogInAsync()
    {
        using var login = await _host.LogInAsync(inCookie: true);
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), await login.Content.ReadAsStringAsync());
        return CookieSignIn.RefreshCookieOf(login)!.Value.ToString();
    }

    private async Task<HttpStatusCode> MeWith(string accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        using var response = await _host.Client.SendAsync(request);
        return response.StatusCode;
    }

    [Test]
    public async Task Login_asking_for_the_cookie_sets_an_HttpOnly_strict_cookie_for_auth_refresh_and_keeps_the_token_out_of_the_body()
    {
        using var login = await _host.LogInAsync(inCookie: true);

        var body = await login.ReadJsonAsync();
        var cookie = CookieSignIn.RefreshCookieOf(login);
        Assert.That(cookie, Is.Not.Null, "a comet_refresh Set-Cookie");
        Assert.Multiple(() =>
        {
            Assert.That(cookie!.Value.ToString(), Does.StartWith("crt_"));
            Assert.That(cookie.HttpOnly, Is.True);
            Assert.That(cookie.SameSite, Is.EqualTo(SameSiteMode.Strict));
            Assert.That(cookie.Path.ToString(), Is.EqualTo("/auth/refresh"));
            Assert.That(cookie.MaxAge, Is.EqualTo(RefreshLifetime));
            Assert.That(cookie.Secure, Is.False, "plain http: a Secure cookie would never come back");
            Assert.That(body.TryGetProperty("refreshToken", out _), Is.False, body.ToString());
            Assert.That(body.GetProperty("expiresIn").GetInt32(), Is.EqualTo(900));
        });
        Assert.That(await MeWith(body.GetProperty("accessToken").GetString()!), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Behind_an_https_proxy_the_cookie_is_Secure()
    {
        var key = (await File.ReadAllTextAsync(Path.Combine(_host.Factory.DataDir, "keys", "proxy.key"))).Trim();

        using var login = await _host.LogInAsync(true, headers: [("X-Forwarded-Proto", "https"), (ProxyKey.HeaderName, key)]);

        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(CookieSignIn.RefreshCookieOf(login)!.Secure, Is.True);
    }

    [Test]
    public async Task A_forged_https_claim_without_the_proxy_key_gets_no_Secure_flag()
    {
        using var login = await _host.LogInAsync(true, headers: [("X-Forwarded-Proto", "https")]);

        Assert.That(CookieSignIn.RefreshCookieOf(login)!.Secure, Is.False, "the request really came over http");
    }

    [Test]
    public async Task Refresh_without_a_body_rotates_the_cookie_and_answers_only_the_access_token()
    {
        var first = await CookieLogInAsync();

        using var refreshed = await _host.SendToRefreshAsync(HttpMethod.Post, first);

        var body = await refreshed.ReadJsonAsync();
        Assert.That(refreshed.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        var second = CookieSignIn.RefreshCookieOf(refreshed);
        Assert.Multiple(() =>
        {
            Assert.That(second?.Value.ToString(), Does.StartWith("crt_").And.Not.EqualTo(first), "a new token in the cookie");
            Assert.That(second!.HttpOnly && second.SameSite == SameSiteMode.Strict && second.Path == "/auth/refresh", Is.True);
            Assert.That(body.TryGetProperty("refreshToken", out _), Is.False, body.ToString());
        });
        Assert.That(await MeWith(body.GetProperty("accessToken").GetString()!), Is.EqualTo(HttpStatusCode.OK));

        using var again = await _host.SendToRefreshAsync(HttpMethod.Post, second!.Value.ToString(), body: new { });
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a body without refreshToken also uses the cookie");
    }

    [Test]
    public async Task A_spent_cookie_is_refused_with_401_the_cookie_is_cleared_and_the_sign_in_ends()
    {
        var first = await CookieLogInAsync();
        using var rotated = await _host.SendToRefreshAsync(HttpMethod.Post, first);
        var second = CookieSignIn.RefreshCookieOf(rotated)!.Value.ToString();

        using var reuse = await _host.SendToRefreshAsync(HttpMethod.Post, first);

        var problem = await reuse.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("already used"));
        Assert.That(CookieSignIn.Clears(CookieSignIn.RefreshCookieOf(reuse)), Is.True, "the answer clears the cookie");
        using var owner = await _host.SendToRefreshAsync(HttpMethod.Post, second);
        Assert.That(owner.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "reuse ended the whole sign-in");
    }

    [Test]
    public async Task An_unknown_cookie_is_401_and_cleared()
    {
        using var answer = await _host.SendToRefreshAsync(HttpMethod.Post, "crt_" + new string('0', 64));

        var problem = await answer.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("not known"));
        Assert.That(CookieSignIn.Clears(CookieSignIn.RefreshCookieOf(answer)), Is.True);
    }

    [Test]
    public async Task A_cookie_that_is_not_a_token_at_all_is_401_and_cleared()
    {
        using var answer = await _host.SendToRefreshAsync(HttpMethod.Post, new string('x', 300));

        await answer.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.That(CookieSignIn.Clears(CookieSignIn.RefreshCookieOf(answer)), Is.True);
    }

    [Test]
    public async Task Delete_ends_the_cookies_sign_in_and_clears_the_cookie()
    {
        var cookie = await CookieLogInAsync();

        using var ended = await _host.SendToRefreshAsync(HttpMethod.Delete, cookie);

        Assert.That(ended.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(CookieSignIn.Clears(CookieSignIn.RefreshCookieOf(ended)), Is.True);
        using var after = await _host.SendToRefreshAsync(HttpMethod.Post, cookie);
        var problem = await after.ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("revoked"));
    }

    [Test]
    public async Task Delete_without_a_cookie_is_204_all_the_same()
    {
        using var ended = await _host.SendToRefreshAsync(HttpMethod.Delete, cookie: null);

        Assert.That(ended.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Body_clients_are_unchanged_no_cookie_and_the_refresh_token_in_the_body()
    {
        using var login = await _host.LogInAsync(inCookie: false);
        var tokens = await login.ReadJsonAsync();
        Assert.That(CookieSignIn.RefreshCookieOf(login), Is.Null);

        using var refreshed = await _host.SendToRefreshAsync(HttpMethod.Post, cookie: null, new { refreshToken = tokens.GetProperty("refreshToken").GetString() });

        var body = await refreshed.ReadJsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(refreshed.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
            Assert.That(body.StringOrNull("refreshToken"), Does.StartWith("crt_"));
            Assert.That(CookieSignIn.RefreshCookieOf(refreshed), Is.Null);
        });
    }

    [Test]
    public async Task A_body_token_wins_over_a_cookie_and_leaves_the_cookie_alone()
    {
        var cookie = await CookieLogInAsync();
        using var login = await _host.LogInAsync(inCookie: false);
        var bodyToken = (await login.ReadJsonAsync()).GetProperty("refreshToken").GetString();

        using var refreshed = await _host.SendToRefreshAsync(HttpMethod.Post, cookie, new { refreshToken = bodyToken });

        Assert.That((await refreshed.ReadJsonAsync()).StringOrNull("refreshToken"), Does.StartWith("crt_"));
        Assert.That(CookieSignIn.RefreshCookieOf(refreshed), Is.Null);
        using var cookieStillWorks = await _host.SendToRefreshAsync(HttpMethod.Post, cookie);
        Assert.That(cookieStillWorks.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the cookie's token was not spent");
    }

    [Test]
    public async Task Neither_body_token_nor_cookie_is_the_same_400_as_before()
    {
        using var answer = await _host.SendToRefreshAsync(HttpMethod.Post, cookie: null, new { });

        var problem = await answer.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.ToString(), Does.Contain("Refresh Token"));
    }

    [Test]
    public async Task A_password_change_asking_for_the_cookie_answers_the_new_refresh_token_in_it()
    {
        using var admin = _host.Factory.CreateSignedInClient();
        var name = "cookie" + Guid.NewGuid().ToString("N")[..8];
        const string password = "first long password";
        using var created = await admin.PostAsync("/api/v1/admin/users", CookieSignIn.Json(new { username = name, password }));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        using var login = await _host.LogInAsync(true, name, password);
        var access = (await login.ReadJsonAsync()).GetProperty("accessToken").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/me/password")
        {
            Content = CookieSignIn.Json(new { currentPassword = password, newPassword = "second long password", refreshTokenInCookie = true }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
        using var changed = await _host.Client.SendAsync(request);

        var body = await changed.ReadJsonAsync();
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK), body.ToString());
        Assert.That(body.TryGetProperty("refreshToken", out _), Is.False, body.ToString());
        var cookie = CookieSignIn.RefreshCookieOf(changed);
        Assert.That(cookie?.HttpOnly, Is.True);
        using var refreshed = await _host.SendToRefreshAsync(HttpMethod.Post, cookie!.Value.ToString());
        Assert.That(refreshed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
