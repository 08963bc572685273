using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Comet.Orchestrator.Tests;

/// <summary>/api/v1/projects through the whole HTTP stack: binding, validation, problem+json, JSON shape.</summary>
public sealed class ProjectApiTests : OrchestratorTestBase
{
    private static string UniqueName(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private async Task<JsonElement> CreateAsync(string name, string repoUrl = "https://github.com/acme/widgets.git", string? forge = null)
    {
        object body = forge is null ? new { name, repoUrl } : new { name, repoUrl, forge };
        using var response = await Client.PostAsJsonAsync("/api/v1/projects", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    [Test]
    public async Task Creating_a_project_answers_201_with_its_location_slug_and_a_webhook_secret_shown_once()
    {
        var name = UniqueName("Widget Factory");

        using var created = await Client.PostAsJsonAsync("/api/v1/projects", new { name, repoUrl = "https://github.com/acme/widgets.git" });

        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        Assert.That(created.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        var body = await created.ReadJsonAsync();
        var slug = body.GetProperty("slug").GetString();
        var secret = body.GetProperty("webhookSecret").GetString();
        Assert.Multiple(() =>
        {
            Assert.That(slug, Is.EqualTo(name.ToLowerInvariant().Replace(' ', '-')));
            Assert.That(body.GetProperty("name").GetString(), Is.EqualTo(name));
            Assert.That(secret, Has.Length.EqualTo(64).And.Match("^[0-9a-f]{64}$"));
            Assert.That(created.Headers.Location?.OriginalString, Is.EqualTo($"/api/v1/projects/{slug}"));
        });

        using var fetched = await Client.GetAsync(created.Headers.Location);
        Assert.That(fetched.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var project = await fetched.ReadJsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(project.GetProperty("slug").GetString(), Is.EqualTo(slug));
            Assert.That(project.GetProperty("repoUrl").GetString(), Is.EqualTo("https://github.com/acme/widgets.git"));
            Assert.That(project.TryGetProperty("webhookSecret", out _), Is.False, "the secret is shown only in the create answer");
            Assert.That(project.GetRawText(), Does.Not.Contain(secret!));
        });
    }

    [Test]
    public async Task Defaults_are_filled_in_for_fields_left_out()
    {
        var project = await CreateAsync(UniqueName("Defaults"));

        Assert.Multiple(() =>
        {
            Assert.That(project.GetProperty("defaultBranch").GetString(), Is.EqualTo("main"));
            Assert.That(project.GetProperty("pipelineFile").GetString(), Is.EqualTo(".comet.yml"));
        });
    }

    [Test]
    public async Task Duplicate_name_is_a_409_conflict_naming_the_project()
    {
        var name = UniqueName("Twin");
        await CreateAsync(name);

        using var response = await Client.PostAsJsonAsync("/api/v1/projects", new { name = name.ToUpperInvariant(), repoUrl = "https://example.com/other.git" });

        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.That(problem.StringOrNull("detail"), Does.Contain(name));
    }

    [Test]
    public async Task Empty_name_is_a_400_with_the_error_under_the_camel_case_field_name()
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/projects", new { name = "", repoUrl = "https://github.com/acme/widgets.git" });

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Multiple(() =>
        {
            Assert.That(errors.TryGetProperty("Name", out _), Is.False, "field names are camelCase like the JSON body");
            Assert.That(errors.TryGetProperty("name", out var messages), Is.True, problem.GetRawText());
            Assert.That(messages.ValueKind, Is.EqualTo(JsonValueKind.Array));
            Assert.That(messages.EnumerateArray().Select(m => m.GetString()), Has.Some.Not.Empty);
            Assert.That(errors.TryGetProperty("repoUrl", out _), Is.False, "a valid field has no error");
        });
    }

    [Test]
    public async Task Malformed_json_body_is_a_400_problem_with_a_detail()
    {
        using var content = new StringContent("{\"name\": \"broken\", ", Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync("/api/v1/projects", content);

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.StringOrNull("detail"), Is.Not.Null.And.Not.Empty);
    }

    [Test]
    public async Task Unknown_slug_is_a_404_problem_for_get_put_and_delete(
        [Values("GET", "PUT", "DELETE")] string method)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), "/api/v1/projects/no-such-project");
        if (method == "PUT") request.Content = JsonContent.Create(new { defaultBranch = "develop" });

        using var response = await Client.SendAsync(request);

        var problem = await response.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("no-such-project"));
    }

    [Test]
    public async Task Unknown_route_is_a_404_problem()
    {
        using var response = await Client.GetAsync("/api/v1/no-such-thing");

        await response.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Page_size_zero_is_a_400_naming_the_field()
    {
        using var response = await Client.GetAsync("/api/v1/projects?page=1&pageSize=0");

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("pageSize", out _), Is.True, problem.GetRawText());
    }

    [Test]
    public async Task Update_changes_the_given_fields_and_keeps_the_slug()
    {
        var created = await CreateAsync(UniqueName("Renamed"));
        var slug = created.GetProperty("slug").GetString()!;
        var newName = UniqueName("Brand New");

        using var response = await Client.PutAsJsonAsync($"/api/v1/projects/{slug}",
            new { name = newName, defaultBranch = "develop", pipelineFile = "ci/pipeline.yml" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var updated = await response.ReadJsonAsync();
        using var fetched = await Client.GetAsync($"/api/v1/projects/{slug}");
        var stored = await fetched.ReadJsonAsync();
        foreach (var project in new[] { updated, stored })
        {
            Assert.Multiple(() =>
            {
                Assert.That(project.GetProperty("slug").GetString(), Is.EqualTo(slug));
                Assert.That(project.GetProperty("name").GetString(), Is.EqualTo(newName));
                Assert.That(project.GetProperty("defaultBranch").GetString(), Is.EqualTo("develop"));
                Assert.That(project.GetProperty("pipelineFile").GetString(), Is.EqualTo("ci/pipeline.yml"));
                Assert.That(project.GetProperty("repoUrl").GetString(), Is.EqualTo(created.GetProperty("repoUrl").GetString()), "fields left out keep their value");
            });
        }
    }

    [Test]
    public async Task Delete_answers_204_and_the_project_is_gone()
    {
        var slug = (await CreateAsync(UniqueName("Doomed"))).GetProperty("slug").GetString();

        using var deleted = await Client.DeleteAsync($"/api/v1/projects/{slug}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        using var fetched = await Client.GetAsync($"/api/v1/projects/{slug}");
        await fetched.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Enums_are_written_as_lowercase_strings()
    {
        var guessed = await CreateAsync(UniqueName("Guessed Forge"), "https://github.com/acme/guessed.git");
        var chosen = await CreateAsync(UniqueName("Chosen Forge"), "https://git.example.com/acme/chosen.git", forge: "GitLab");

        Assert.Multiple(() =>
        {
            Assert.That(guessed.GetRawText(), Does.Contain("\"forge\":\"github\""));
            Assert.That(chosen.GetProperty("forge").GetString(), Is.EqualTo("gitlab"));
        });
    }
}

/// <summary>Paging needs a database of its own, so the counts are exact.</summary>
public sealed class ProjectListTests
{
    [Test]
    public async Task List_is_paged_in_name_order_with_totals()
    {
        using var factory = new OrchestratorFactory();
        using var client = factory.CreateSignedInClient();
        foreach (var name in new[] { "Charlie", "Alpha", "Bravo" })
        {
            using var created = await client.PostAsJsonAsync("/api/v1/projects", new { name, repoUrl = $"https://example.com/{name}.git" });
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        using var first = await client.GetAsync("/api/v1/projects?page=1&pageSize=2");
        using var second = await client.GetAsync("/api/v1/projects?page=2&pageSize=2");

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var page1 = await first.ReadJsonAsync();
        var page2 = await second.ReadJsonAsync();
        Assert.Multiple(() =>
        {
            Assert.That(page1.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Is.EqualTo(new[] { "Alpha", "Bravo" }));
            Assert.That(page1.GetProperty("page").GetInt32(), Is.EqualTo(1));
            Assert.That(page1.GetProperty("pageSize").GetInt32(), Is.EqualTo(2));
            Assert.That(page1.GetProperty("totalCount").GetInt32(), Is.EqualTo(3));
            Assert.That(page1.GetProperty("totalPages").GetInt32(), Is.EqualTo(2));
            Assert.That(page2.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("name").GetString()), Is.EqualTo(new[] { "Charlie" }));
            Assert.That(page2.GetProperty("page").GetInt32(), Is.EqualTo(2));
            Assert.That(page1.GetProperty("items")[0].TryGetProperty("webhookSecret", out _), Is.False);
        });
    }
}
