using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comet.Orchestrator.Tests.Secrets;

/// <summary>
/// The write-only secret API: values go in and never come out (not in answers, lists or audit rows); maintainers set
/// project secrets, viewers only list names, outsiders see no project, and only admins touch instance secrets.
/// </summary>
public sealed class SecretApiTests
{
    private const string Password = "a long enough password";
    private const string Value = "s3cr3t-Value-that-must-never-be-shown";

    private OrchestratorFactory _factory = null!;
    private HttpClient _admin = null!;
    private readonly List<HttpClient> _clients = [];

    [OneTimeSetUp]
    public void Start()
    {
        _factory = new OrchestratorFactory();
        _admin = _factory.CreateSignedInClient();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        foreach (var client in _clients) client.Dispose();
        _admin.Dispose();
        _factory.Dispose();
    }

    private async Task<(string Name, HttpClient Client)> NewUser()
    {
        var name = "u" + Guid.NewGuid().ToString("N")[..10];
        using var created = await _admin.PostAsJsonAsync("/api/v1/admin/users", new { username = name, password = Password });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var client = OrchestratorFactory.SignIn(_factory.CreateClient(), name, Password);
        _clients.Add(client);
        return (name, client);
    }

    private static async Task<string> NewProject(HttpClient owner)
    {
        using var created = await owner.PostAsJsonAsync("/api/v1/projects", new { name = "S " + Guid.NewGuid().ToString("N")[..8], repoUrl = "https://example.com/x.git" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString()!;
    }

    private static async Task AddMember(HttpClient owner, string slug, string username, string role)
    {
        using var put = await owner.PutAsJsonAsync($"/api/v1/projects/{slug}/members/{username}", new { role });
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
    }

    private static async Task<(HttpStatusCode Status, string Text)> PutAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PutAsJsonAsync(path, body);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_secret_set_by_a_maintainer_is_listed_by_name_and_scope_but_its_value_is_never_returned()
    {
        var (ownerName, owner) = await NewUser();
        var slug = await NewProject(owner);

        var (status, answer) = await PutAsync(owner, $"/api/v1/projects/{slug}/secrets/DEPLOY_TOKEN", new { value = Value, file = true });
        Assert.That(status, Is.EqualTo(HttpStatusCode.OK), answer);
        var (envStatus, envAnswer) = await PutAsync(owner, $"/api/v1/projects/{slug}/secrets/DEPLOY_TOKEN",
            new { value = Value + "-prod", environment = "production", allowForks = true });
        Assert.That(envStatus, Is.EqualTo(HttpStatusCode.OK), envAnswer);

        using var list = await owner.GetAsync($"/api/v1/projects/{slug}/secrets");
        var listed = await list.Content.ReadAsStringAsync();
        // Instance secrets other tests set are listed too; this test looks at the project's own.
        var items = JsonDocument.Parse(listed).RootElement.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("scope").GetString() != "instance").ToList();

        Assert.Multiple(() =>
        {
            Assert.That(answer, Does.Not.Contain(Value));
            Assert.That(envAnswer, Does.Not.Contain(Value));
            Assert.That(listed, Does.Not.Contain(Value));
            Assert.That(items.Select(i => (i.GetProperty("name").GetString(), i.GetProperty("scope").GetString(), i.StringOrNull("environment"))),
                Is.EqualTo(new[] { ("DEPLOY_TOKEN", "environment", "production"), ("DEPLOY_TOKEN", "project", (string?)null) }));
            Assert.That(items[1].GetProperty("file").GetBoolean(), Is.True);
            Assert.That(items[0].GetProperty("allowForks").GetBoolean(), Is.True);
            Assert.That(items[1].GetProperty("updatedBy").GetString(), Is.EqualTo(ownerName));
            Assert.That(items[0].TryGetProperty("value", out _), Is.False, "a list item has no value field at all");
        });
    }

    [Test]
    public async Task Changing_and_deleting_secrets_is_audited_without_the_value()
    {
        var (_, owner) = await NewUser();
        var slug = await NewProject(owner);
        await PutAsync(owner, $"/api/v1/projects/{slug}/secrets/AUDITED", new { value = Value });
        await PutAsync(owner, $"/api/v1/projects/{slug}/secrets/AUDITED", new { value = Value + "2" });
        using var deleted = await owner.DeleteAsync($"/api/v1/projects/{slug}/secrets/AUDITED");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        using var audit = await _admin.GetAsync("/api/v1/admin/audit?pageSize=100");
        var text = await audit.Content.ReadAsStringAsync();
        var rows = JsonDocument.Parse(text).RootElement.GetProperty("items").EnumerateArray()
            .Where(e => e.StringOrNull("target") == $"project:{slug}" && e.GetProperty("action").GetString()!.StartsWith("secret_"))
            .Select(e => e.GetProperty("action").GetString()).ToList();

        Assert.That(rows, Is.EqualTo(new[] { "secret_deleted", "secret_updated", "secret_created" }));
        Assert.That(text, Does.Not.Contain(Value));
    }

    [Test]
    public async Task A_viewer_may_list_names_but_not_set_and_a_stranger_does_not_see_the_project()
    {
        var (_, owner) = await NewUser();
        var (viewerName, viewer) = await NewUser();
        var (_, stranger) = await NewUser();
        var slug = await NewProject(owner);
        await AddMember(owner, slug, viewerName, "viewer");
        await PutAsync(owner, $"/api/v1/projects/{slug}/secrets/VISIBLE_NAME", new { value = Value });

        using var viewerList = await viewer.GetAsync($"/api/v1/projects/{slug}/secrets");
        var (viewerPut, viewerPutText) = await PutAsync(viewer, $"/api/v1/projects/{slug}/secrets/VISIBLE_NAME", new { value = "overwritten" });
        using var strangerList = await stranger.GetAsync($"/api/v1/projects/{slug}/secrets");
        var (strangerPut, _) = await PutAsync(stranger, $"/api/v1/projects/{slug}/secrets/VISIBLE_NAME", new { value = "overwritten" });

        Assert.Multiple(async () =>
        {
            Assert.That(viewerList.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await viewerList.Content.ReadAsStringAsync(), Does.Contain("VISIBLE_NAME").And.Not.Contain(Value));
            Assert.That(viewerPut, Is.EqualTo(HttpStatusCode.Forbidden), viewerPutText);
            Assert.That(viewerPutText, Does.Contain("maintainer"));
            Assert.That(strangerList.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(strangerPut, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task Only_admins_manage_instance_secrets_and_projects_list_them_with_their_scope()
    {
        var (_, user) = await NewUser();
        var slug = await NewProject(user);
        var name = "INSTANCE_" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();

        var (userPut, _) = await PutAsync(user, $"/api/v1/admin/secrets/{name}", new { value = Value });
        var (adminPut, adminText) = await PutAsync(_admin, $"/api/v1/admin/secrets/{name}", new { value = Value });
        using var userList = await user.GetAsync("/api/v1/admin/secrets");
        using var adminList = await _admin.GetAsync("/api/v1/admin/secrets?pageSize=100");
        using var projectList = await user.GetAsync($"/api/v1/projects/{slug}/secrets?pageSize=100");
        var projectText = await projectList.Content.ReadAsStringAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(userPut, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(adminPut, Is.EqualTo(HttpStatusCode.OK), adminText);
            Assert.That(adminText, Does.Contain("\"scope\":\"instance\"").And.Not.Contain(Value));
            Assert.That(userList.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await adminList.Content.ReadAsStringAsync(), Does.Contain(name).And.Not.Contain(Value));
            Assert.That(projectText, Does.Contain(name).And.Not.Contain(Value));
        });
        using var userDelete = await user.DeleteAsync($"/api/v1/admin/secrets/{name}");
        using var adminDelete = await _admin.DeleteAsync($"/api/v1/admin/secrets/{name}");
        using var again = await _admin.DeleteAsync($"/api/v1/admin/secrets/{name}");
        Assert.That((userDelete.StatusCode, adminDelete.StatusCode, again.StatusCode),
            Is.EqualTo((HttpStatusCode.Forbidden, HttpStatusCode.NoContent, HttpStatusCode.NotFound)));
    }

    [TestCase("lower_case", "is not a secret name")]
    [TestCase("1STARTS_WITH_DIGIT", "is not a secret name")]
    [TestCase("HAS-DASH", "is not a secret name")]
    public async Task A_bad_name_is_a_400_that_gives_the_rule(string name, string expected)
    {
        var (status, text) = await PutAsync(_admin, $"/api/v1/admin/secrets/{name}", new { value = Value });

        Assert.That(status, Is.EqualTo(HttpStatusCode.BadRequest), text);
        Assert.That(text, Does.Contain(expected).And.Contain("A-Z, 0-9 and _"));
    }

    [Test]
    public async Task A_name_of_129_characters_a_value_over_64_KiB_an_empty_value_and_a_NUL_in_a_variable_are_refused()
    {
        var (longName, longNameText) = await PutAsync(_admin, $"/api/v1/admin/secrets/{new string('A', 129)}", new { value = Value });
        var (big, bigText) = await PutAsync(_admin, "/api/v1/admin/secrets/BIG", new { value = new string('x', 64 * 1024 + 1) });
        var (empty, emptyText) = await PutAsync(_admin, "/api/v1/admin/secrets/EMPTY", new { value = "" });
        var (nul, nulText) = await PutAsync(_admin, "/api/v1/admin/secrets/NUL", new { value = "a\0b" });
        var (nulFile, nulFileText) = await PutAsync(_admin, "/api/v1/admin/secrets/NUL_FILE", new { value = "a\0b", file = true });
        var (exact, exactText) = await PutAsync(_admin, "/api/v1/admin/secrets/EXACTLY_64_KIB", new { value = new string('x', 64 * 1024) });

        Assert.Multiple(() =>
        {
            Assert.That(longName, Is.EqualTo(HttpStatusCode.BadRequest), longNameText);
            Assert.That(big, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(bigText, Does.Contain("64 KiB"));
            Assert.That(empty, Is.EqualTo(HttpStatusCode.BadRequest), emptyText);
            Assert.That(nul, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(nulText, Does.Contain("NUL"));
            Assert.That(nulFile, Is.EqualTo(HttpStatusCode.OK), nulFileText);
            Assert.That(exact, Is.EqualTo(HttpStatusCode.OK), exactText);
        });
    }

    [Test]
    public async Task The_database_holds_the_value_encrypted_not_in_the_clear()
    {
        var slug = await NewProject(_admin);
        await PutAsync(_admin, $"/api/v1/projects/{slug}/secrets/AT_REST", new { value = Value });

        var stored = await _factory.WithDbAsync(db => db.Secrets.Single(s => s.Name == "AT_REST").ProtectedValue);

        Assert.That(stored, Does.Not.Contain(Value));
        Assert.That(stored.Length, Is.GreaterThan(Value.Length));
        Assert.That(SecretTestSupport.DatabaseFilesText(_factory.DataDir), Does.Not.Contain(Value), "the SQLite files themselves");
    }
}
