using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Comet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>Personal access tokens: shown once, kept as hashes, accepted as bearer tokens, revoked at once.</summary>
public sealed class PersonalAccessTokenTests
{
    private OrchestratorFactory _factory = null!;
    private HttpClient _client = null!;
    private string _accessToken = null!;

    [OneTimeSetUp]
    public async Task StartAndSignIn()
    {
        _factory = new OrchestratorFactory(new Dictionary<string, string?> { ["Identity:BootstrapAdmin"] = "ci-admin:s3cret-pass" });
        _client = _factory.CreateClient();
        using var login = await _client.PostAsJsonAsync("/auth/login", new { username = "ci-admin", password = "s3cret-pass" });
        _accessToken = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private async Task<HttpResponseMessage> Send(HttpMethod method, string path, string? bearer, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (body is not null) request.Content = JsonContent.Create(body);
        return await _client.SendAsync(request);
    }

    private async Task<JsonElement> CreateToken(string name, params string[] scopes)
    {
        using var response = await Send(HttpMethod.Post, "/api/v1/me/tokens", _accessToken, new { name, scopes, expiresInDays = 7 });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Test]
    public async Task A_new_token_is_shown_once_and_works_as_a_bearer_token()
    {
        var created = await CreateToken("ci script", "read", "write");
        var token = created.GetProperty("token").GetString()!;

        using var me = await Send(HttpMethod.Get, "/api/v1/me", token);

        Assert.Multiple(async () =>
        {
            Assert.That(token, Does.StartWith("cpat_"));
            Assert.That(created.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()), Is.EqualTo(new[] { "read", "write" }));
            Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("username").GetString(), Is.EqualTo("ci-admin"));
        });
    }

    [Test]
    public async Task The_list_shows_last_use_and_a_prefix_but_never_the_secret()
    {
        var created = await CreateToken("listed", "read");
        var token = created.GetProperty("token").GetString()!;
        using (await Send(HttpMethod.Get, "/api/v1/me", token)) { }

        using var list = await Send(HttpMethod.Get, "/api/v1/me/tokens", _accessToken);
        var text = await list.Content.ReadAsStringAsync();
        var entry = JsonDocument.Parse(text).RootElement.EnumerateArray().Single(t => t.GetProperty("id").GetString() == created.GetProperty("id").GetString());

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Not.Contain(token));
            Assert.That(token, Does.StartWith(entry.GetProperty("prefix").GetString()!));
            Assert.That(entry.GetProperty("lastUsedAt").ValueKind, Is.EqualTo(JsonValueKind.String), "used once, so it has a last-used time");
        });
    }

    [Test]
    public async Task A_revoked_token_stops_working_on_the_next_request()
    {
        var created = await CreateToken("to revoke", "read");
        var token = created.GetProperty("token").GetString()!;
        using var before = await Send(HttpMethod.Get, "/api/v1/me", token);

        using var revoke = await Send(HttpMethod.Delete, $"/api/v1/me/tokens/{created.GetProperty("id").GetString()}", _accessToken);
        using var after = await Send(HttpMethod.Get, "/api/v1/me", token);

        Assert.Multiple(() =>
        {
            Assert.That(before.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(revoke.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [Test]
    public async Task An_expired_token_is_a_401()
    {
        var created = await CreateToken("expiring", "read");
        var id = Guid.Parse(created.GetProperty("id").GetString()!);
        using (var scope = _factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CometDbContext>();
            await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE personal_access_tokens SET expires_at = {DateTime.UtcNow.AddMinutes(-1)} WHERE id = {id}");
        }

        using var me = await Send(HttpMethod.Get, "/api/v1/me", created.GetProperty("token").GetString());

        Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task An_unknown_token_with_the_prefix_is_a_401()
    {
        using var me = await Send(HttpMethod.Get, "/api/v1/me", "cpat_" + new string('0', 64));

        Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("")]
    [TestCase("deploy")]
    public async Task A_bad_scope_is_a_400_naming_it(string scope)
    {
        object scopes = scope.Length == 0 ? Array.Empty<string>() : new[] { scope };
        using var response = await Send(HttpMethod.Post, "/api/v1/me/tokens", _accessToken, new { name = "bad", scopes });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(scope.Length == 0 ? "at least one" : "'deploy' is not a scope"));
    }

    [Test]
    public async Task Tokens_are_stored_only_as_hashes()
    {
        var token = (await CreateToken("hashed", "read")).GetProperty("token").GetString()!;
        var clear = Encoding.UTF8.GetBytes(token);

        foreach (var file in Directory.GetFiles(_factory.DataDir, "comet.db*"))
            Assert.That((await File.ReadAllBytesAsync(file)).AsSpan().IndexOf(clear), Is.LessThan(0), Path.GetFileName(file));
    }

    [Test]
    public async Task Creating_a_token_needs_a_signed_in_caller()
    {
        using var response = await Send(HttpMethod.Post, "/api/v1/me/tokens", bearer: null, new { name = "x", scopes = new[] { "read" } });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}

/// <summary>What a personal access token may do follows its scopes.</summary>
public sealed class PersonalAccessTokenScopeTests
{
    private OrchestratorFactory _factory = null!;
    private HttpClient _admin = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _factory = new OrchestratorFactory();
        _admin = _factory.CreateSignedInClient();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _admin.Dispose();
        _factory.Dispose();
    }

    private async Task<HttpClient> ClientWithToken(params string[] scopes)
    {
        using var created = await _admin.PostAsJsonAsync("/api/v1/me/tokens", new { name = "scoped", scopes });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        var client = _factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Test]
    public async Task A_read_token_reads_but_may_not_write()
    {
        using var reader = await ClientWithToken("read");

        using var list = await reader.GetAsync("/api/v1/projects");
        using var create = await reader.PostAsJsonAsync("/api/v1/projects", new { name = "From a read token", repoUrl = "https://example.com/r.git" });

        Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(create.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await create.Content.ReadAsStringAsync(), Does.Contain("needs 'write'"));
    }

    [Test]
    public async Task A_write_token_writes_but_may_not_use_admin_endpoints_even_for_an_admin()
    {
        using var writer = await ClientWithToken("write");

        using var create = await writer.PostAsJsonAsync("/api/v1/projects", new { name = "From a write token " + Guid.NewGuid().ToString("N")[..6], repoUrl = "https://example.com/w.git" });
        using var audit = await writer.GetAsync("/api/v1/admin/audit");

        Assert.That(create.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(audit.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task A_token_cannot_mint_another_token()
    {
        using var writer = await ClientWithToken("write", "admin");

        using var minted = await writer.PostAsJsonAsync("/api/v1/me/tokens", new { name = "escalated", scopes = new[] { "admin" } });

        Assert.That(minted.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
