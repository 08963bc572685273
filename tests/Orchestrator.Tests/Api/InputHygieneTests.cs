using System.Net;
using System.Net.Http.Json;

namespace Comet.Orchestrator.Tests.Api;

/// <summary>
/// Names people read refuse control characters and bidirectional controls, saying which and where; paging values out of
/// their range are 400 naming the range (page 2147483647 used to wrap round to page 1).
/// </summary>
public sealed class InputHygieneTests : OrchestratorTestBase
{
    private static string Unique(string prefix) => $"{prefix} {Guid.NewGuid():N}"[..(prefix.Length + 9)];

    [TestCase("ab\u202Ecd", "U+202E RIGHT-TO-LEFT OVERRIDE at position 3")]
    [TestCase("ab\u2066cd", "U+2066 LEFT-TO-RIGHT ISOLATE at position 3")]
    [TestCase("a\u200Fb", "U+200F RIGHT-TO-LEFT MARK at position 2")]
    [TestCase("\u061Cab", "U+061C ARABIC LETTER MARK at position 1")]
    [TestCase("ab\0cd", "U+0000 NULL at position 3")]
    [TestCase("ab\u001Bcd", "U+001B ESCAPE at position 3")]
    [TestCase("abc\u007F", "U+007F DELETE at position 4")]
    [TestCase("ab\u0085cd", "U+0085 NEXT LINE at position 3")]
    [TestCase("a\nb", "U+000A LINE FEED at position 2")]
    public async Task A_project_name_with_a_control_or_bidi_character_is_400_naming_it(string name, string expected)
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/projects", new { name, repoUrl = "https://github.com/acme/widgets.git" });

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.StringOrNull("detail"), Does.Contain($"Name contains {expected}."));
    }

    [Test]
    public async Task Renaming_a_project_to_a_name_with_a_bidi_override_is_refused_and_the_old_name_stays()
    {
        var name = Unique("Hygiene");
        using var created = await Client.PostAsJsonAsync("/api/v1/projects", new { name, repoUrl = "https://github.com/acme/widgets.git" });
        var slug = (await created.ReadJsonAsync()).GetProperty("slug").GetString();

        using var renamed = await Client.PutAsJsonAsync($"/api/v1/projects/{slug}", new { name = "evil\u202Egnp.exe" });

        var problem = await renamed.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("U+202E RIGHT-TO-LEFT OVERRIDE at position 5"));
        var project = await Client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/projects/{slug}");
        Assert.That(project.GetProperty("name").GetString(), Is.EqualTo(name));
    }

    [Test]
    public async Task A_plain_international_name_is_accepted()
    {
        var name = Unique("Café 東京 مرحبا");

        using var response = await Client.PostAsJsonAsync("/api/v1/projects", new { name, repoUrl = "https://github.com/acme/widgets.git" });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_token_name_with_a_bidi_isolate_is_400_naming_it()
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/me/tokens", new { name = "ci\u2067token", scopes = new[] { "read" } });

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("Name contains U+2067 RIGHT-TO-LEFT ISOLATE at position 3."));
    }

    [Test]
    public async Task A_new_users_display_name_with_a_nul_is_400_naming_it()
    {
        using var response = await Client.PostAsJsonAsync("/api/v1/admin/users",
            new { username = Unique("user").Replace(' ', '-'), password = "a long enough password", displayName = "Ann\0Admin" });

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("Display Name contains U+0000 NULL at position 4."));
    }

    [Test]
    public async Task A_branch_filter_with_a_bidi_override_is_400()
    {
        var name = Unique("Branches");
        using var created = await Client.PostAsJsonAsync("/api/v1/projects", new { name, repoUrl = "https://github.com/acme/widgets.git" });
        var slug = (await created.ReadJsonAsync()).GetProperty("slug").GetString();

        using var response = await Client.GetAsync($"/api/v1/projects/{slug}/runs?branch=main%E2%80%AE");

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.StringOrNull("detail"), Does.Contain("U+202E RIGHT-TO-LEFT OVERRIDE at position 5"));
    }

    [TestCase("page=2147483647", "page must be between 1 and 1000000.")]
    [TestCase("page=1000001", "page must be between 1 and 1000000.")]
    [TestCase("page=99999999999", "page must be between 1 and 1000000.")]
    [TestCase("page=0", "page must be between 1 and 1000000.")]
    [TestCase("page=-1", "page must be between 1 and 1000000.")]
    [TestCase("pageSize=0", "pageSize must be between 1 and 100.")]
    [TestCase("pageSize=101", "pageSize must be between 1 and 100.")]
    [TestCase("pageSize=4294967296", "pageSize must be between 1 and 100.")]
    public async Task Paging_out_of_range_is_400_naming_the_range_for_projects_and_runs(string query, string detail)
    {
        var name = Unique("Paging");
        using var created = await Client.PostAsJsonAsync("/api/v1/projects", new { name, repoUrl = "https://github.com/acme/widgets.git" });
        var slug = (await created.ReadJsonAsync()).GetProperty("slug").GetString();

        foreach (var path in new[] { "/api/v1/projects", $"/api/v1/projects/{slug}/runs" })
        {
            using var response = await Client.GetAsync($"{path}?{query}");
            var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
            Assert.That(problem.StringOrNull("detail"), Is.EqualTo(detail), path);
        }
    }

    [TestCase("/api/v1/admin/audit", "2147483647")]
    [TestCase("/api/v1/projects/{slug}/webhook-deliveries", "2147483647")]
    [TestCase("/api/v1/projects/{slug}/deliveries", "2147483647")]
    [TestCase("/api/v1/admin/audit", "99999999999")]
    [TestCase("/api/v1/projects/{slug}/webhook-deliveries", "99999999999")]
    [TestCase("/api/v1/projects/{slug}/deliveries", "99999999999")]
    public async Task Paging_past_the_offset_range_is_400_on_the_other_lists_too(string template, string page)
    {
        var name = Unique("Lists");
        using var created = await Client.PostAsJsonAsync("/api/v1/projects", new { name, repoUrl = "https://github.com/acme/widgets.git" });
        var slug = (await created.ReadJsonAsync()).GetProperty("slug").GetString();

        using var response = await Client.GetAsync(template.Replace("{slug}", slug) + "?page=" + page);

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.StringOrNull("detail"), Is.EqualTo("page must be between 1 and 1000000."));
    }

    [Test]
    public async Task A_page_past_the_last_is_an_empty_page()
    {
        using var response = await Client.GetAsync("/api/v1/projects?page=1000000&pageSize=100");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var page = await response.ReadJsonAsync();
        Assert.That(page.GetProperty("items").GetArrayLength(), Is.Zero);
        Assert.That(page.GetProperty("page").GetInt32(), Is.EqualTo(1_000_000));
    }
}
