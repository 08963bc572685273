using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>Accounts made by admins, and the append-only audit log that only admins read.</summary>
public sealed class AuditTests
{
    private OrchestratorFactory _factory = null!;
    private HttpClient _client = null!;
    private string _admin = null!;

    [OneTimeSetUp]
    public async Task StartAndSignIn()
    {
        _factory = new OrchestratorFactory(new Dictionary<string, string?> { ["Identity:BootstrapAdmin"] = "chief:chief-password" });
        _client = _factory.CreateClient();
        _admin = await AccessToken("chief", "chief-password");
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private async Task<string> AccessToken(string username, string password)
    {
        using var login = await _client.PostAsJsonAsync("/auth/login", new { username, password });
        Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), await login.Content.ReadAsStringAsync());
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? bearer, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await _client.SendAsync(request);
    }

    private async Task<List<JsonElement>> Audit(string query = "")
    {
        using var response = await Send(HttpMethod.Get, "/api/v1/admin/audit?pageSize=100" + query, _admin);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
    }

    private async Task<string> NewUser(string role = "user")
    {
        var username = "u" + Guid.NewGuid().ToString("N")[..10];
        using var created = await Send(HttpMethod.Post, "/api/v1/admin/users", _admin, new { username, password = "long enough password", role });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return username;
    }

    [Test]
    public async Task An_account_made_by_an_admin_can_sign_in()
    {
        var username = await NewUser();

        var token = await AccessToken(username, "long enough password");
        using var me = await Send(HttpMethod.Get, "/api/v1/me", token);

        Assert.That((await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("role").GetString(), Is.EqualTo("user"));
    }

    [Test]
    public async Task A_non_admin_gets_403_for_the_audit_log_and_for_making_accounts()
    {
        var user = await AccessToken(await NewUser(), "long enough password");

        using var audit = await Send(HttpMethod.Get, "/api/v1/admin/audit", user);
        using var create = await Send(HttpMethod.Post, "/api/v1/admin/users", user, new { username = "sneaky", password = "long enough password" });

        Assert.That(audit.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(create.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Without_a_token_the_audit_log_is_a_401()
    {
        using var audit = await Send(HttpMethod.Get, "/api/v1/admin/audit", bearer: null);

        Assert.That(audit.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Sign_ins_failures_tokens_and_projects_are_in_the_log()
    {
        var username = await NewUser();
        using (await _client.PostAsJsonAsync("/auth/login", new { username, password = "wrong password" })) { }
        using (await _client.PostAsJsonAsync("/auth/login", new { username = "no-such-" + username, password = "x" })) { }
        var token = await AccessToken(username, "long enough password");
        using var pat = await Send(HttpMethod.Post, "/api/v1/me/tokens", token, new { name = "cli", scopes = new[] { "read" } });
        var patId = (await pat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        using (await Send(HttpMethod.Delete, $"/api/v1/me/tokens/{patId}", token)) { }
        var projectName = "Audited " + username;
        using var project = await Send(HttpMethod.Post, "/api/v1/projects", token, new { name = projectName, repoUrl = "https://example.com/a.git" });
        var slug = (await project.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString();
        using (await Send(HttpMethod.Delete, $"/api/v1/projects/{slug}", token)) { }

        var events = await Audit();
        string[] Actions(Func<JsonElement, bool> which) => events.Where(which).Select(e => e.GetProperty("action").GetString()!).ToArray();
        string? Field(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

        Assert.Multiple(() =>
        {
            Assert.That(Actions(e => Field(e, "target") == $"user:{username}"), Does.Contain("user_created"));
            Assert.That(Actions(e => Field(e, "actorName") == username),
                Is.SupersetOf(new[] { "login_failed", "login_succeeded", "token_created", "token_revoked", "project_created", "project_deleted" }));
            Assert.That(Actions(e => Field(e, "actorName") == "no-such-" + username), Does.Contain("login_failed"),
                "failed sign-ins of names that do not exist are recorded too");
            Assert.That(events.Select(e => e.GetProperty("at").GetDateTime()), Is.Ordered.Descending, "newest first");
        });
    }

    [Test]
    public async Task Refresh_reuse_is_recorded()
    {
        using var login = await _client.PostAsJsonAsync("/auth/login", new { username = "chief", password = "chief-password" });
        var refresh = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("refreshToken").GetString();
        using (await _client.PostAsJsonAsync("/auth/refresh", new { refreshToken = refresh })) { }
        using (await _client.PostAsJsonAsync("/auth/refresh", new { refreshToken = refresh })) { }

        var reuses = await Audit("&action=refresh_reuse_detected");

        Assert.That(reuses, Is.Not.Empty);
        Assert.That(reuses.Select(e => e.GetProperty("action").GetString()), Is.All.EqualTo("refresh_reuse_detected"), "the action filter");
    }

    [Test]
    public async Task Filters_by_user_and_time()
    {
        var username = await NewUser();
        await AccessToken(username, "long enough password");

        var mine = await Audit($"&user={username}");
        var future = await Audit($"&from={DateTime.UtcNow.AddHours(1):O}");

        Assert.That(mine.Select(e => e.GetProperty("actorName").GetString()), Is.All.EqualTo(username));
        Assert.That(mine.Select(e => e.GetProperty("action").GetString()), Does.Contain("login_succeeded"));
        Assert.That(future, Is.Empty);
    }
}
