using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comet.Orchestrator.Tests.Identity;

/// <summary>Project roles: viewers read, developers run, maintainers edit, owners manage members; outsiders see nothing.</summary>
public sealed class ProjectRoleTests
{
    private const string Password = "a long enough password";

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

    /// <summary>A new account, signed in.</summary>
    private async Task<(string Name, HttpClient Client)> NewUser()
    {
        var name = "u" + Guid.NewGuid().ToString("N")[..10];
        using var created = await _admin.PostAsJsonAsync("/api/v1/admin/users", new { username = name, password = Password });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var client = OrchestratorFactory.SignIn(_factory.CreateClient(), name, Password);
        _clients.Add(client);
        return (name, client);
    }

    /// <summary>A project created by <paramref name="owner"/>, with a file:// repository that need not exist.</summary>
    private static async Task<string> NewProject(HttpClient owner)
    {
        using var created = await owner.PostAsJsonAsync("/api/v1/projects", new { name = "P " + Guid.NewGuid().ToString("N")[..8], repoUrl = "https://example.com/x.git" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("slug").GetString()!;
    }

    private async Task AddMember(HttpClient owner, string slug, string username, string role)
    {
        using var put = await owner.PutAsJsonAsync($"/api/v1/projects/{slug}/members/{username}", new { role });
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task The_creator_of_a_project_is_its_owner()
    {
        var (name, owner) = await NewUser();
        var slug = await NewProject(owner);

        var members = await owner.GetFromJsonAsync<JsonElement>($"/api/v1/projects/{slug}/members");

        Assert.That(members.EnumerateArray().Select(m => (m.GetProperty("username").GetString(), m.GetProperty("role").GetString())),
            Is.EqualTo(new[] { (name, "owner") }));
    }

    [Test]
    public async Task A_non_member_gets_404_for_a_project_and_its_runs_and_does_not_see_it_listed()
    {
        var (_, owner) = await NewUser();
        var (_, outsider) = await NewUser();
        var slug = await NewProject(owner);

        using var get = await outsider.GetAsync($"/api/v1/projects/{slug}");
        using var runs = await outsider.GetAsync($"/api/v1/projects/{slug}/runs");
        using var trigger = await outsider.PostAsJsonAsync($"/api/v1/projects/{slug}/runs", new { });
        var listed = await outsider.GetFromJsonAsync<JsonElement>("/api/v1/projects");

        Assert.Multiple(async () =>
        {
            Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(await get.Content.ReadAsStringAsync(), Does.Contain($"No project '{slug}' was found."), "the same words as for a project that does not exist");
            Assert.That(runs.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(trigger.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(listed.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("slug").GetString()), Does.Not.Contain(slug));
        });
    }

    [Test]
    public async Task A_viewer_reads_but_gets_403_for_triggering_a_run_and_editing()
    {
        var (_, owner) = await NewUser();
        var (viewerName, viewer) = await NewUser();
        var slug = await NewProject(owner);
        await AddMember(owner, slug, viewerName, "viewer");

        using var read = await viewer.GetAsync($"/api/v1/projects/{slug}");
        using var runs = await viewer.GetAsync($"/api/v1/projects/{slug}/runs");
        using var trigger = await viewer.PostAsJsonAsync($"/api/v1/projects/{slug}/runs", new { });
        using var edit = await viewer.PutAsJsonAsync($"/api/v1/projects/{slug}", new { defaultBranch = "develop" });

        Assert.Multiple(async () =>
        {
            Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(runs.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(trigger.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await trigger.Content.ReadAsStringAsync(), Does.Contain("needs the developer role"));
            Assert.That(edit.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    /// <summary>A new project of a new owner, with a developer and a maintainer.</summary>
    private async Task<(string Slug, HttpClient Owner, string DeveloperName, HttpClient Developer, HttpClient Maintainer)> ProjectWithDeveloperAndMaintainer()
    {
        var (_, owner) = await NewUser();
        var (developerName, developer) = await NewUser();
        var (maintainerName, maintainer) = await NewUser();
        var slug = await NewProject(owner);
        await AddMember(owner, slug, developerName, "developer");
        await AddMember(owner, slug, maintainerName, "maintainer");
        return (slug, owner, developerName, developer, maintainer);
    }

    [Test]
    public async Task A_developer_may_trigger_but_not_edit_and_a_maintainer_may_edit_but_not_manage_members()
    {
        var (slug, _, developerName, developer, maintainer) = await ProjectWithDeveloperAndMaintainer();

        using var trigger = await developer.PostAsJsonAsync($"/api/v1/projects/{slug}/runs", new { });
        using var developerEdit = await developer.PutAsJsonAsync($"/api/v1/projects/{slug}", new { defaultBranch = "develop" });
        using var maintainerEdit = await maintainer.PutAsJsonAsync($"/api/v1/projects/{slug}", new { defaultBranch = "develop" });
        using var maintainerManage = await maintainer.PutAsJsonAsync($"/api/v1/projects/{slug}/members/{developerName}", new { role = "owner" });
        using var maintainerDelete = await maintainer.DeleteAsync($"/api/v1/projects/{slug}");

        Assert.Multiple(() =>
        {
            Assert.That(trigger.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), "developers trigger runs");
            Assert.That(developerEdit.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(maintainerEdit.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(maintainerManage.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(maintainerDelete.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        });
    }

    [Test]
    public async Task Only_maintainers_and_owners_replace_the_webhook_secret()
    {
        var (slug, owner, _, developer, maintainer) = await ProjectWithDeveloperAndMaintainer();

        using var byDeveloper = await developer.PostAsync($"/api/v1/projects/{slug}/webhook-secret", null);
        using var byMaintainer = await maintainer.PostAsync($"/api/v1/projects/{slug}/webhook-secret", null);
        using var byOwner = await owner.PostAsync($"/api/v1/projects/{slug}/webhook-secret", null);

        Assert.That(byDeveloper.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(byMaintainer.StatusCode, Is.EqualTo(HttpStatusCode.OK), await byMaintainer.Content.ReadAsStringAsync());
        Assert.That(byOwner.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var first = (await byMaintainer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhookSecret").GetString();
        var second = (await byOwner.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhookSecret").GetString();
        Assert.That(first, Has.Length.EqualTo(64).And.Not.EqualTo(second), "each replacement is a new random secret");
    }

    [Test]
    public async Task Run_by_id_follows_the_runs_project()
    {
        var (_, owner) = await NewUser();
        var (_, outsider) = await NewUser();
        var slug = await NewProject(owner);
        using var triggered = await owner.PostAsJsonAsync($"/api/v1/projects/{slug}/runs", new { });
        var runId = (await triggered.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        using var ownerReads = await owner.GetAsync($"/api/v1/runs/{runId}");
        using var outsiderReads = await outsider.GetAsync($"/api/v1/runs/{runId}");
        using var outsiderCancels = await outsider.PostAsync($"/api/v1/runs/{runId}/cancel", null);
        using var outsiderLog = await outsider.GetAsync($"/api/v1/runs/{runId}/jobs/{Guid.NewGuid()}/steps/0/log");

        Assert.Multiple(() =>
        {
            Assert.That(ownerReads.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(outsiderReads.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(outsiderCancels.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(outsiderLog.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public async Task Owners_change_roles_and_remove_members_but_the_last_owner_stays()
    {
        var (ownerName, owner) = await NewUser();
        var (memberName, member) = await NewUser();
        var slug = await NewProject(owner);
        await AddMember(owner, slug, memberName, "viewer");
        await AddMember(owner, slug, memberName, "developer");
        using var demoteLastOwner = await owner.PutAsJsonAsync($"/api/v1/projects/{slug}/members/{ownerName}", new { role = "viewer" });
        using var removeLastOwner = await owner.DeleteAsync($"/api/v1/projects/{slug}/members/{ownerName}");
        var role = await owner.GetFromJsonAsync<JsonElement>($"/api/v1/projects/{slug}/members/{memberName}");

        using var removed = await owner.DeleteAsync($"/api/v1/projects/{slug}/members/{memberName}");
        using var afterRemoval = await member.GetAsync($"/api/v1/projects/{slug}");

        Assert.Multiple(() =>
        {
            Assert.That(role.GetProperty("role").GetString(), Is.EqualTo("developer"));
            Assert.That(demoteLastOwner.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(removeLastOwner.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
            Assert.That(removed.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(afterRemoval.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "removal takes effect at once");
        });
    }

    [Test]
    public async Task A_bad_role_is_a_400_and_an_unknown_user_a_404()
    {
        var (_, owner) = await NewUser();
        var slug = await NewProject(owner);

        using var badRole = await owner.PutAsJsonAsync($"/api/v1/projects/{slug}/members/someone", new { role = "superuser" });
        using var unknownUser = await owner.PutAsJsonAsync($"/api/v1/projects/{slug}/members/nobody-{Guid.NewGuid():N}", new { role = "viewer" });

        Assert.That(badRole.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(unknownUser.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Admins_see_and_manage_every_project()
    {
        var (_, owner) = await NewUser();
        var slug = await NewProject(owner);

        using var get = await _admin.GetAsync($"/api/v1/projects/{slug}");
        var listed = await _admin.GetFromJsonAsync<JsonElement>("/api/v1/projects?pageSize=100");

        Assert.That(get.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(listed.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("slug").GetString()), Does.Contain(slug));
    }

    [Test]
    public async Task Without_a_token_the_api_answers_401()
    {
        using var anonymous = _factory.CreateClient();

        using var list = await anonymous.GetAsync("/api/v1/projects");
        using var lint = await anonymous.PostAsync("/api/v1/lint", new StringContent("jobs: {}"));

        Assert.That(list.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(list.Headers.WwwAuthenticate.Select(h => h.Scheme), Does.Contain("Bearer"));
        Assert.That(lint.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }
}
