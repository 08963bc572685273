using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Runtime.Versioning;
using System.Text.Json;
using Comet.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>Sign-in, access tokens the orchestrator checks itself, refresh rotation with theft detection, logout.</summary>
[SupportedOSPlatform("linux")] // file modes
public sealed class SignInTests
{
    private const string Admin = "root";
    private const string Password = "correct horse battery staple";

    private OrchestratorFactory _factory = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _factory = new OrchestratorFactory(new Dictionary<string, string?> { ["Identity:BootstrapAdmin"] = $"{Admin}:{Password}" });
        _client = _factory.CreateClient();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _client.Dispose();
        _factory.Dispose();
    }

    private sealed record Tokens(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType);

    private async Task<Tokens> LogIn(string username = Admin, string password = Password)
    {
        using var response = await _client.PostAsJsonAsync("/auth/login", new { username, password });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Tokens>())!;
    }

    private async Task<HttpResponseMessage> Refresh(string refreshToken) =>
        await _client.PostAsJsonAsync("/auth/refresh", new { refreshToken });

    private async Task<HttpResponseMessage> Me(string? accessToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
        if (accessToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return await _client.SendAsync(request);
    }

    private static async Task<string?> DetailOf(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() : null;
    }

    [Test]
    public async Task The_bootstrap_admin_signs_in_and_the_access_token_opens_me()
    {
        var tokens = await LogIn();

        using var me = await Me(tokens.AccessToken);

        Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var body = JsonDocument.Parse(await me.Content.ReadAsStringAsync());
        Assert.Multiple(() =>
        {
            Assert.That(body.RootElement.GetProperty("username").GetString(), Is.EqualTo(Admin));
            Assert.That(body.RootElement.GetProperty("role").GetString(), Is.EqualTo("admin"));
            Assert.That(tokens.TokenType, Is.EqualTo("Bearer"));
            Assert.That(tokens.ExpiresIn, Is.EqualTo(900), "15 minutes");
        });
    }

    [Test]
    public async Task The_access_token_is_RS256_with_a_published_kid_and_the_agreed_claims()
    {
        var tokens = await LogIn();
        var token = new JsonWebToken(tokens.AccessToken);
        var jwks = await _client.GetFromJsonAsync<JsonElement>("/.well-known/jwks.json");
        var kids = jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(token.Alg, Is.EqualTo("RS256"));
            Assert.That(kids, Does.Contain(token.Kid));
            Assert.That(token.Issuer, Is.EqualTo("comet"));
            Assert.That(token.Audiences, Is.EqualTo(new[] { "comet-api" }));
            Assert.That(token.GetClaim("name").Value, Is.EqualTo(Admin));
            Assert.That(token.TryGetClaim("role", out _), Is.False, "no role claim: the orchestrator reads the role from the database");
            Assert.That(Guid.TryParse(token.Subject, out _), Is.True, "sub is the user id");
            Assert.That(token.ValidTo - token.ValidFrom, Is.EqualTo(TimeSpan.FromMinutes(15)));
            Assert.That(jwks.GetRawText(), Does.Not.Contain("\"d\""), "no private key parts are published");
        });
    }

    [TestCase(Admin, "wrong password")]
    [TestCase("nobody", Password)]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_401(string username, string password)
    {
        using var response = await _client.PostAsJsonAsync("/auth/login", new { username, password });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await DetailOf(response), Is.EqualTo("Wrong username or password."));
    }

    [Test]
    public async Task A_login_without_a_password_is_a_400()
    {
        using var response = await _client.PostAsJsonAsync("/auth/login", new { username = Admin });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    [Test]
    public async Task Me_without_a_token_is_a_401_with_a_bearer_challenge()
    {
        using var response = await Me(null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(response.Headers.WwwAuthenticate.Select(h => h.Scheme), Does.Contain("Bearer"));
        Assert.That(await DetailOf(response), Does.Contain("/auth/login"));
    }

    [Test]
    public async Task Refresh_gives_a_new_pair_and_the_old_refresh_token_stops_working()
    {
        var first = await LogIn();

        using var refreshed = await Refresh(first.RefreshToken);
        Assert.That(refreshed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var second = (await refreshed.Content.ReadFromJsonAsync<Tokens>())!;
        using var me = await Me(second.AccessToken);
        using var again = await Refresh(first.RefreshToken);

        Assert.Multiple(() =>
        {
            Assert.That(second.RefreshToken, Is.Not.EqualTo(first.RefreshToken));
            Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [Test]
    public async Task Reusing_a_spent_refresh_token_revokes_the_whole_family()
    {
        var first = await LogIn();
        using var rotated = await Refresh(first.RefreshToken);
        var second = (await rotated.Content.ReadFromJsonAsync<Tokens>())!;

        using var reuse = await Refresh(first.RefreshToken); // a thief replays the copy it took
        using var owner = await Refresh(second.RefreshToken); // the owner's newest token is gone too

        Assert.Multiple(async () =>
        {
            Assert.That(reuse.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await DetailOf(reuse), Does.Contain("already used"));
            Assert.That(owner.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        });
    }

    [Test]
    public async Task Another_sign_in_is_not_touched_by_a_revoked_family()
    {
        var victim = await LogIn();
        var other = await LogIn();
        using var rotated = await Refresh(victim.RefreshToken);
        using var reuse = await Refresh(victim.RefreshToken);

        using var untouched = await Refresh(other.RefreshToken);

        Assert.That(untouched.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task After_logout_the_refresh_token_no_longer_works()
    {
        var tokens = await LogIn();

        using var logout = await _client.PostAsJsonAsync("/auth/logout", new { refreshToken = tokens.RefreshToken });
        using var refresh = await Refresh(tokens.RefreshToken);

        Assert.That(logout.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(refresh.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Refresh_tokens_are_stored_only_as_hashes()
    {
        var tokens = await LogIn();
        var database = await File.ReadAllBytesAsync(Path.Combine(_factory.DataDir, "comet.db"));
        var wal = Path.Combine(_factory.DataDir, "comet.db-wal");
        var log = File.Exists(wal) ? await File.ReadAllBytesAsync(wal) : [];

        var clear = Encoding.UTF8.GetBytes(tokens.RefreshToken);
        Assert.That(database.AsSpan().IndexOf(clear) < 0 && log.AsSpan().IndexOf(clear) < 0, Is.True, "the refresh token is not in the database files");
        Assert.That(database.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Password)) < 0 && log.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Password)) < 0, Is.True,
            "nor the password");
    }

    [Test]
    public async Task The_signing_key_file_is_readable_by_its_owner_only()
    {
        var keyFile = Directory.GetFiles(Path.Combine(_factory.DataDir, "keys"), "signing-*.pem").Single();

        Assert.That(File.GetUnixFileMode(keyFile), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(await File.ReadAllTextAsync(keyFile), Does.StartWith("-----BEGIN PRIVATE KEY-----"));
    }

    // Tokens made here with the orchestrator's own private key, for the admin who exists, so that only the one
    // thing under test is wrong.
    private async Task<string> SignWithOrchestratorKey(string issuer = "comet", string audience = "comet-api", DateTime? expires = null) =>
        TestTokens.SignedWithServerKey(_factory.DataDir, await AdminId(), issuer: issuer, audience: audience, expires: expires);

    private async Task<Guid> AdminId()
    {
        using var me = await Me((await LogIn()).AccessToken);
        return Guid.Parse((await me.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
    }

    [Test]
    public async Task A_token_signed_with_the_orchestrators_key_passes_the_signature_check()
    {
        // The control for the refusals below: a good token for a user that exists opens /me.
        using var response = await Me(await SignWithOrchestratorKey());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_well_signed_token_for_a_user_that_does_not_exist_is_a_401()
    {
        using var response = await Me(TestTokens.SignedWithServerKey(_factory.DataDir, Guid.NewGuid(), TestTokens.RoleAdmin));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task An_expired_token_is_a_401()
    {
        using var response = await Me(await SignWithOrchestratorKey(expires: DateTime.UtcNow.AddMinutes(-2)));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase("someone-else", "comet-api")]
    [TestCase("comet", "another-api")]
    public async Task A_token_with_the_wrong_issuer_or_audience_is_a_401(string issuer, string audience)
    {
        using var response = await Me(await SignWithOrchestratorKey(issuer, audience));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_token_with_a_tampered_payload_is_a_401()
    {
        var tokens = await LogIn();
        var parts = tokens.AccessToken.Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1]));
        Assert.That(payload, Does.Contain($"\"name\":\"{Admin}\""));
        payload = payload.Replace($"\"name\":\"{Admin}\"", "\"name\":\"someone-else\"");
        var tampered = $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";

        using var response = await Me(tampered);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task An_unsigned_token_with_alg_none_is_a_401()
    {
        var parts = (await LogIn()).AccessToken.Split('.');
        var header = Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"JWT\"}");

        using var response = await Me($"{header}.{parts[1]}.");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task A_token_with_an_unknown_kid_is_a_401()
    {
        using var response = await Me(TestTokens.SignedWithForeignKey("not-ours", await AdminId()));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}

/// <summary>The first admin when nobody said who: a random password handed over in a file, never in a log.</summary>
[SupportedOSPlatform("linux")] // file modes
public sealed class BootstrapAdminTests
{
    [Test]
    public async Task Without_COMET_BOOTSTRAP_ADMIN_a_random_password_is_written_once_to_a_private_file()
    {
        using var dataDir = new TempDirectory("comet-bootstrap");
        string password;
        var noBootstrap = new Dictionary<string, string?> { ["Identity:BootstrapAdmin"] = "" };
        using (var factory = new OrchestratorFactory(noBootstrap, dataDir.Path))
        using (var client = factory.CreateClient())
        {
            var file = Path.Combine(dataDir.Path, "initial-admin-password");
            password = (await File.ReadAllTextAsync(file)).Trim();
            using var login = await client.PostAsJsonAsync("/auth/login", new { username = "admin", password });

            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            Assert.That(password, Has.Length.GreaterThanOrEqualTo(20));
        }

        File.Delete(Path.Combine(dataDir.Path, "initial-admin-password"));
        using (var restarted = new OrchestratorFactory(noBootstrap, dataDir.Path))
        using (var client = restarted.CreateClient())
        {
            using var login = await client.PostAsJsonAsync("/auth/login", new { username = "admin", password });
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), "a restart keeps the admin and its password");
            Assert.That(File.Exists(Path.Combine(dataDir.Path, "initial-admin-password")), Is.False, "no second admin, no second password");
        }

        foreach (var log in Directory.GetFiles(Path.Combine(dataDir.Path, "logs")))
            Assert.That(await File.ReadAllTextAsync(log), Does.Not.Contain(password), $"{Path.GetFileName(log)} holds no password");
    }
}
