using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Comet.Domain.Identity;
using Comet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>
/// A token only names its user: whether they exist and whether they are an admin is read from the database on every
/// request, so a role written into a token gives nothing and a change in the database applies at once.
/// </summary>
public sealed class RoleFromDatabaseTests
{
    private const string Password = "a long enough password";
    private const string AdminOnly = "/api/v1/admin/audit";

    private OrchestratorFactory _factory = null!;
    private HttpClient _admin = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _factory = new OrchestratorFactory();
        _admin = _factory.CreateSignedInClient();
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client.Dispose();
        _admin.Dispose();
        _factory.Dispose();
    }

    private sealed record Account(Guid Id, string Name, string AccessToken);

    /// <summary>A new account with a system role, signed in.</summary>
    private async Task<Account> NewUser(string role)
    {
        var name = "u" + Guid.NewGuid().ToString("N")[..10];
        using var created = await _admin.PostAsJsonAsync("/api/v1/admin/users", new { username = name, password = Password, role });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = Guid.Parse((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
        using var login = await _client.PostAsJsonAsync("/auth/login", new { username = name, password = Password });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        return new Account(id, name, token);
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string bearer, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await _client.SendAsync(request);
    }

    private async Task<HttpStatusCode> StatusOf(HttpMethod method, string path, string bearer, object? body = null)
    {
        using var response = await Send(method, path, bearer, body);
        return response.StatusCode;
    }

    private async Task<string> PersonalAccessToken(Account account, params string[] scopes)
    {
        using var created = await Send(HttpMethod.Post, "/api/v1/me/tokens", account.AccessToken, new { name = "script", scopes, expiresInDays = 1 });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
    }

    private async Task ChangeInDatabase(Func<IQueryable<User>, Task> change, Guid userId)
    {
        using var scope = _factory.Services.CreateScope();
        await change(scope.ServiceProvider.GetRequiredService<CometDbContext>().Users.Where(u => u.Id == userId));
    }

    private Task SetRole(Guid userId, SystemRole role) => ChangeInDatabase(users => users.ExecuteUpdateAsync(u => u.SetProperty(x => x.Role, role)), userId);

    [Test]
    public async Task A_validly_signed_token_claiming_role_admin_for_an_ordinary_user_gets_no_admin_powers()
    {
        var user = await NewUser("user");
        var forged = TestTokens.SignedWithServerKey(_factory.DataDir, user.Id, TestTokens.RoleAdmin);

        var control = await StatusOf(HttpMethod.Get, "/api/v1/me", forged);
        var audit = await StatusOf(HttpMethod.Get, AdminOnly, forged);
        var createUser = await StatusOf(HttpMethod.Post, "/api/v1/admin/users", forged,
            new { username = "u" + Guid.NewGuid().ToString("N")[..10], password = Password, role = "admin" });

        Assert.Multiple(() =>
        {
            Assert.That(control, Is.EqualTo(HttpStatusCode.OK), "the forged token itself is accepted: it is signed with the real key");
            Assert.That(audit, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(createUser, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    [Test]
    public async Task A_validly_signed_token_claiming_role_admin_opens_no_project_its_user_is_no_member_of()
    {
        var user = await NewUser("user");
        using var created = await _admin.PostAsJsonAsync("/api/v1/projects", new { name = "P " + Guid.NewGuid().ToString("N")[..8], repoUrl = "https://example.com/x.git" });
        var slug = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString()!;
        var forged = TestTokens.SignedWithServerKey(_factory.DataDir, user.Id, TestTokens.RoleAdmin);

        var project = await StatusOf(HttpMethod.Get, $"/api/v1/projects/{slug}", forged);
        using var list = await Send(HttpMethod.Get, "/api/v1/projects", forged);

        Assert.Multiple(async () =>
        {
            Assert.That(project, Is.EqualTo(HttpStatusCode.NotFound), "admins see every project; this user is none");
            Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await list.Content.ReadAsStringAsync(), Does.Not.Contain(slug));
        });
    }

    [TestCase("not-ours")]
    [TestCase(null, Description = "the real key's id, so the server checks the signature against its own key")]
    public async Task A_token_claiming_role_admin_signed_with_a_foreign_key_is_a_401(string? kid)
    {
        var admin = await NewUser("admin");
        var foreign = TestTokens.SignedWithForeignKey(kid ?? TestTokens.ServerKeyId(_factory.DataDir), admin.Id, TestTokens.RoleAdmin);

        Assert.Multiple(async () =>
        {
            Assert.That(await StatusOf(HttpMethod.Get, AdminOnly, admin.AccessToken), Is.EqualTo(HttpStatusCode.OK), "the control: the admin's own token");
            Assert.That(await StatusOf(HttpMethod.Get, AdminOnly, foreign), Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    /// <summary>What <paramref name="bearer"/> gets from an admin-only endpoint before and after its user's role changes in the database.</summary>
    private async Task<(HttpStatusCode Before, HttpStatusCode After)> AdminAccessAcrossRoleChange(string bearer, Guid userId, SystemRole role)
    {
        var before = await StatusOf(HttpMethod.Get, AdminOnly, bearer);
        await SetRole(userId, role);
        return (before, await StatusOf(HttpMethod.Get, AdminOnly, bearer));
    }

    [TestCase("admin", SystemRole.User, HttpStatusCode.OK, HttpStatusCode.Forbidden, Description = "an admin demoted loses admin at once")]
    [TestCase("user", SystemRole.Admin, HttpStatusCode.Forbidden, HttpStatusCode.OK, Description = "a user promoted is admin at once")]
    public async Task A_role_changed_in_the_database_applies_at_once_to_an_access_token_issued_before(
        string role, SystemRole changedTo, HttpStatusCode before, HttpStatusCode after)
    {
        var user = await NewUser(role);

        var access = await AdminAccessAcrossRoleChange(user.AccessToken, user.Id, changedTo);

        Assert.That(access, Is.EqualTo((before, after)));
    }

    [Test]
    public async Task A_personal_access_token_of_a_demoted_admin_loses_admin_at_once()
    {
        var admin = await NewUser("admin");
        var token = await PersonalAccessToken(admin, "admin");

        var access = await AdminAccessAcrossRoleChange(token, admin.Id, SystemRole.User);

        Assert.That(access, Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.Forbidden)));
    }

    [Test]
    public async Task The_tokens_of_a_deleted_user_are_a_401()
    {
        var admin = await NewUser("admin");
        var token = await PersonalAccessToken(admin, "admin");
        var before = await StatusOf(HttpMethod.Get, "/api/v1/me", admin.AccessToken);

        await ChangeInDatabase(users => users.ExecuteDeleteAsync(), admin.Id);

        Assert.Multiple(async () =>
        {
            Assert.That(before, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await StatusOf(HttpMethod.Get, "/api/v1/me", admin.AccessToken), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await StatusOf(HttpMethod.Get, AdminOnly, admin.AccessToken), Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await StatusOf(HttpMethod.Get, AdminOnly, token), Is.EqualTo(HttpStatusCode.Unauthorized), "the personal access token too");
        });
    }
}
