using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>Changing one's password, an admin's reset, the must-change gate and their audit entries, over real HTTP.</summary>
public sealed class PasswordTests
{
    private const string OldPassword = "the first password";
    private const string NewPassword = "a brand new password";

    private OrchestratorFactory _factory = null!;
    private HttpClient _client = null!;
    private string _admin = null!;

    [OneTimeSetUp]
    public async Task StartAndSignIn()
    {
        // A low lock threshold (and no slowing down) so the throttle test needs few attempts.
        _factory = new OrchestratorFactory(new Dictionary<string, string?>
        {
            ["Identity:BootstrapAdmin"] = "chief:chief-password",
            ["Identity:LoginThrottle:LockAfter"] = "3",
            ["Identity:LoginThrottle:SlowAfter"] = "100",
        });
        _client = _factory.CreateClient();
        _admin = (await SignIn("chief", "chief-password")).GetProperty("accessToken").GetString()!;
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private async Task<JsonElement> SignIn(string username, string password)
    {
        using var login = await _client.PostAsJsonAsync("/auth/login", new { username, password });
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), await login.Content.ReadAsStringAsync());
        return await login.ReadJsonAsync();
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? bearer, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await _client.SendAsync(request);
    }

    private async Task<string> NewUser()
    {
        var username = "u" + Guid.NewGuid().ToString("N")[..10];
        using var created = await Send(HttpMethod.Post, "/api/v1/admin/users", _admin, new { username, password = OldPassword });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return username;
    }

    private async Task<HttpResponseMessage> ChangePassword(string bearer, string current, string next, bool? revokePats = null) =>
        await Send(HttpMethod.Post, "/api/v1/me/password", bearer,
            revokePats is null ? new { currentPassword = current, newPassword = next }
                : new { currentPassword = current, newPassword = next, revokePersonalAccessTokens = revokePats });

    private async Task<HttpStatusCode> StatusOf(HttpMethod method, string path, string bearer)
    {
        using var response = await Send(method, path, bearer);
        return response.StatusCode;
    }

    private async Task<string> CreatePat(string bearer, string scope = "read")
    {
        using var created = await Send(HttpMethod.Post, "/api/v1/me/tokens", bearer, new { name = "ci", scopes = new[] { scope } });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return (await created.ReadJsonAsync()).GetProperty("token").GetString()!;
    }

    private async Task<List<JsonElement>> Audit(string action)
    {
        using var response = await Send(HttpMethod.Get, $"/api/v1/admin/audit?pageSize=100&action={action}", _admin);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.ReadJsonAsync()).GetProperty("items").EnumerateArray().ToList();
    }

    [Test]
    public async Task Changing_the_password_ends_the_old_tokens_and_answers_a_pair_that_works()
    {
        var username = await NewUser();
        var first = await SignIn(username, OldPassword);
        var other = await SignIn(username, OldPassword); // another device
        var oldAccess = first.GetProperty("accessToken").GetString()!;

        using var changed = await ChangePassword(oldAccess, OldPassword, NewPassword);
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await changed.Content.ReadAsStringAsync());
        var answer = await changed.ReadJsonAsync();
        var newAccess = answer.GetProperty("accessToken").GetString()!;

        using var oldRefresh = await _client.PostAsJsonAsync("/auth/refresh", new { refreshToken = other.GetProperty("refreshToken").GetString() });
        using var newRefresh = await _client.PostAsJsonAsync("/auth/refresh", new { refreshToken = answer.GetProperty("refreshToken").GetString() });
        using var oldLogin = await _client.PostAsJsonAsync("/auth/login", new { username, password = OldPassword });
        Assert.Multiple(async () =>
        {
            Assert.That(answer.GetProperty("endedSessions").GetInt32(), Is.EqualTo(2));
            Assert.That(await StatusOf(HttpMethod.Get, "/api/v1/me", oldAccess), Is.EqualTo(HttpStatusCode.Unauthorized), "an access token from before the change");
            Assert.That(await StatusOf(HttpMethod.Get, "/api/v1/me", other.GetProperty("accessToken").GetString()!), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await StatusOf(HttpMethod.Get, "/api/v1/me", newAccess), Is.EqualTo(HttpStatusCode.OK), "the answer's access token");
            Assert.That(oldRefresh.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "another sign-in's refresh token");
            Assert.That(newRefresh.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the answer's refresh token");
            Assert.That(oldLogin.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the old password");
        });
        await SignIn(username, NewPassword);
    }

    [Test]
    public async Task A_wrong_current_password_is_a_403_and_changes_nothing()
    {
        var username = await NewUser();
        var access = (await SignIn(username, OldPassword)).GetProperty("accessToken").GetString()!;

        using var refused = await ChangePassword(access, "not the password at all", NewPassword);

        var problem = await refused.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.That(problem.StringOrNull("detail"), Is.EqualTo("The current password is wrong."));
        Assert.That(await StatusOf(HttpMethod.Get, "/api/v1/me", access), Is.EqualTo(HttpStatusCode.OK), "the session goes on");
        await SignIn(username, OldPassword);
        var failures = await Audit("password_change_failed");
        Assert.That(failures.Any(e => e.StringOrNull("target") == $"user:{username}"), Is.True);
    }

    [Test]
    public async Task Wrong_current_passwords_count_toward_the_sign_in_lock()
    {
        var username = await NewUser();
        var access = (await SignIn(username, OldPassword)).GetProperty("accessToken").GetString()!;
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await ChangePassword(access, $"wrong guess number {i}", NewPassword);
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }

        using var locked = await ChangePassword(access, OldPassword, NewPassword);
        using var login = await _client.PostAsJsonAsync("/auth/login", new { username, password = OldPassword });

        await locked.ReadProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "guesses here lock sign-in too");
    }

    [TestCase("short", "'New Password'")]
    [TestCase(OldPassword, "must differ from the current password")]
    public async Task A_new_password_that_breaks_the_account_rules_is_a_400(string next, string expected)
    {
        var username = await NewUser();
        var access = (await SignIn(username, OldPassword)).GetProperty("accessToken").GetString()!;

        using var refused = await ChangePassword(access, OldPassword, next);

        var problem = await refused.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.StringOrNull("detail"), Does.Contain(expected));
        await SignIn(username, OldPassword);
    }

    [Test]
    public async Task Personal_access_tokens_survive_a_change_unless_the_change_revokes_them()
    {
        var username = await NewUser();
        var access = (await SignIn(username, OldPassword)).GetProperty("accessToken").GetString()!;
        var pat = await CreatePat(access);

        using var kept = await ChangePassword(access, OldPassword, NewPassword);
        var keptAnswer = await kept.ReadJsonAsync();
        Assert.That(keptAnswer.GetProperty("personalAccessTokensKept").GetInt32(), Is.EqualTo(1));
        Assert.That(await StatusOf(HttpMethod.Get, "/api/v1/projects", pat), Is.EqualTo(HttpStatusCode.OK));

        using var revoked = await ChangePassword(keptAnswer.GetProperty("accessToken").GetString()!, NewPassword, "yet another new password", revokePats: true);
        Assert.That((await revoked.ReadJsonAsync()).GetProperty("personalAccessTokensRevoked").GetInt32(), Is.EqualTo(1));
        Assert.That(await StatusOf(HttpMethod.Get, "/api/v1/projects", pat), Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_personal_access_token_cannot_change_the_password()
    {
        var username = await NewUser();
        var pat = await CreatePat((await SignIn(username, OldPassword)).GetProperty("accessToken").GetString()!, "write");

        using var refused = await ChangePassword(pat, OldPassword, NewPassword);

        var problem = await refused.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("not a personal access token"));
        await SignIn(username, OldPassword);
    }

    [Test]
    public async Task An_admin_reset_gives_a_one_time_password_ends_the_sessions_and_allows_only_a_password_change()
    {
        var username = await NewUser();
        var before = await SignIn(username, OldPassword);
        var pat = await CreatePat(before.GetProperty("accessToken").GetString()!);

        using var reset = await Send(HttpMethod.Post, $"/api/v1/admin/users/{username}/password", _admin);
        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.OK), await reset.Content.ReadAsStringAsync());
        var answer = await reset.ReadJsonAsync();
        var oneTime = answer.GetProperty("password").GetString()!;
        Assert.Multiple(async () =>
        {
            Assert.That(oneTime, Has.Length.GreaterThanOrEqualTo(20));
            Assert.That(answer.GetProperty("mustChangePassword").GetBoolean(), Is.True);
            Assert.That(await StatusOf(HttpMethod.Get, "/api/v1/me", before.GetProperty("accessToken").GetString()!), Is.EqualTo(HttpStatusCode.Unauthorized));
        });
        using (var oldRefresh = await _client.PostAsJsonAsync("/auth/refresh", new { refreshToken = before.GetProperty("refreshToken").GetString() }))
            Assert.That(oldRefresh.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));

        var signedIn = await SignIn(username, oneTime);
        var access = signedIn.GetProperty("accessToken").GetString()!;
        Assert.That(signedIn.GetProperty("passwordChangeRequired").GetBoolean(), Is.True, "the login answer says so");

        using (var gated = await Send(HttpMethod.Get, "/api/v1/projects", access))
        {
            var problem = await gated.ReadProblemAsync(HttpStatusCode.Forbidden);
            Assert.That(problem.StringOrNull("detail"), Does.StartWith("Change your password first"));
        }
        using (var gatedPat = await Send(HttpMethod.Get, "/api/v1/projects", pat))
            await gatedPat.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.Multiple(async () =>
        {
            Assert.That(await StatusOf(HttpMethod.Post, "/api/v1/me/tokens", access), Is.EqualTo(HttpStatusCode.Forbidden), "no new tokens either");
            Assert.That(await StatusOf(HttpMethod.Get, "/api/v1/me", access), Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await StatusOf(HttpMethod.Get, "/api/v1/me/", access), Is.EqualTo(HttpStatusCode.OK));
        });

        using var changed = await ChangePassword(access, oneTime, NewPassword);
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await changed.Content.ReadAsStringAsync());
        var fresh = (await changed.ReadJsonAsync()).GetProperty("accessToken").GetString()!;
        Assert.Multiple(async () =>
        {
            Assert.That(await StatusOf(HttpMethod.Get, "/api/v1/projects", fresh), Is.EqualTo(HttpStatusCode.OK), "free again");
            Assert.That(await StatusOf(HttpMethod.Get, "/api/v1/projects", pat), Is.EqualTo(HttpStatusCode.OK), "the kept token too");
        });
    }

    [Test]
    public async Task An_admin_may_set_a_given_password_without_requiring_a_change()
    {
        var username = await NewUser();

        using var reset = await Send(HttpMethod.Post, $"/api/v1/admin/users/{username}/password", _admin,
            new { password = NewPassword, mustChangePassword = false });

        Assert.That(reset.StatusCode, Is.EqualTo(HttpStatusCode.OK), await reset.Content.ReadAsStringAsync());
        var answer = await reset.ReadJsonAsync();
        Assert.That(answer.GetProperty("password").ValueKind, Is.EqualTo(JsonValueKind.Null), "a given password is not echoed");
        var access = (await SignIn(username, NewPassword)).GetProperty("accessToken").GetString()!;
        Assert.That(await StatusOf(HttpMethod.Get, "/api/v1/projects", access), Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_reset_by_a_non_admin_is_a_403_and_of_an_unknown_user_a_404()
    {
        var username = await NewUser();
        var access = (await SignIn(username, OldPassword)).GetProperty("accessToken").GetString()!;

        using var notAdmin = await Send(HttpMethod.Post, "/api/v1/admin/users/chief/password", access);
        using var unknown = await Send(HttpMethod.Post, "/api/v1/admin/users/nobody-here/password", _admin);
        using var weak = await Send(HttpMethod.Post, $"/api/v1/admin/users/{username}/password", _admin, new { password = "short" });

        await notAdmin.ReadProblemAsync(HttpStatusCode.Forbidden);
        await unknown.ReadProblemAsync(HttpStatusCode.NotFound);
        await weak.ReadProblemAsync(HttpStatusCode.BadRequest);
        await SignIn("chief", "chief-password");
    }

    [Test]
    public async Task Changes_and_resets_are_audited_without_the_password()
    {
        var username = await NewUser();
        var access = (await SignIn(username, OldPassword)).GetProperty("accessToken").GetString()!;
        using (var changed = await ChangePassword(access, OldPassword, NewPassword))
            Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var reset = await Send(HttpMethod.Post, $"/api/v1/admin/users/{username}/password", _admin);
        var oneTime = (await reset.ReadJsonAsync()).GetProperty("password").GetString()!;

        var change = (await Audit("password_changed")).Single(e => e.StringOrNull("target") == $"user:{username}");
        var resetEntry = (await Audit("password_reset")).Single(e => e.StringOrNull("target") == $"user:{username}");

        Assert.Multiple(() =>
        {
            Assert.That(change.StringOrNull("actorName"), Is.EqualTo(username));
            Assert.That(resetEntry.StringOrNull("actorName"), Is.EqualTo("chief"));
            Assert.That(resetEntry.StringOrNull("detail"), Does.Contain("one-time password generated"));
            foreach (var secret in new[] { OldPassword, NewPassword, oneTime })
            {
                Assert.That(change.GetRawText(), Does.Not.Contain(secret));
                Assert.That(resetEntry.GetRawText(), Does.Not.Contain(secret));
            }
        });
    }
}
