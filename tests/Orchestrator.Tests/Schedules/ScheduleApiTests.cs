using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Comet.Orchestrator.Tests.Schedules;

/// <summary>/api/v1/projects/{slug}/schedules over real HTTP: create, read, change, delete, what is refused and who may.</summary>
public sealed class ScheduleApiTests : OrchestratorTestBase
{
    private const string Password = "a long enough password";
    private readonly List<HttpClient> _clients = [];

    [OneTimeTearDown]
    public void DisposeClients()
    {
        foreach (var client in _clients) client.Dispose();
    }

    private async Task<string> NewProjectAsync(HttpClient? owner = null)
    {
        using var created = await (owner ?? Client).PostAsJsonAsync("/api/v1/projects",
            new { name = "S " + Guid.NewGuid().ToString("N")[..8], repoUrl = "https://example.com/x.git", defaultBranch = "trunk" });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return (await created.ReadJsonAsync()).GetProperty("slug").GetString()!;
    }

    private async Task<(string Name, HttpClient Client)> NewUserAsync()
    {
        var name = "u" + Guid.NewGuid().ToString("N")[..10];
        using var created = await Client.PostAsJsonAsync("/api/v1/admin/users", new { username = name, password = Password });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var client = OrchestratorFactory.SignIn(Factory.CreateClient(), name, Password);
        _clients.Add(client);
        return (name, client);
    }

    private async Task AddMemberAsync(string slug, string username, string role)
    {
        using var put = await Client.PutAsJsonAsync($"/api/v1/projects/{slug}/members/{username}", new { role });
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> CreateAsync(string slug, object body)
    {
        using var response = await Client.PostAsJsonAsync($"/api/v1/projects/{slug}/schedules", body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    [Test]
    public async Task A_created_schedule_answers_201_with_its_fields_and_the_next_five_fire_times_in_UTC_and_local_time()
    {
        var slug = await NewProjectAsync();

        using var response = await Client.PostAsJsonAsync($"/api/v1/projects/{slug}/schedules", new
        {
            name = "nightly", cron = "30 2 * * *", timeZone = "Europe/Berlin", variables = new Dictionary<string, string> { ["SUITE"] = "full" },
        });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var schedule = await response.ReadJsonAsync();
        var id = schedule.GetProperty("id").GetString();
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/projects/{slug}/schedules/{id}"));
        var next = schedule.GetProperty("nextRuns").EnumerateArray().ToList();
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        Assert.Multiple(() =>
        {
            Assert.That(schedule.GetProperty("name").GetString(), Is.EqualTo("nightly"));
            Assert.That(schedule.GetProperty("cron").GetString(), Is.EqualTo("30 2 * * *"));
            Assert.That(schedule.GetProperty("timeZone").GetString(), Is.EqualTo("Europe/Berlin"));
            Assert.That(schedule.GetProperty("branch").GetString(), Is.EqualTo("trunk"), "the project's default branch");
            Assert.That(schedule.GetProperty("enabled").GetBoolean(), Is.True);
            Assert.That(schedule.GetProperty("variables").GetProperty("SUITE").GetString(), Is.EqualTo("full"));
            Assert.That(schedule.GetProperty("lastOutcome").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(next, Has.Count.EqualTo(5));
        });
        DateTime? previous = null;
        foreach (var time in next)
        {
            var utc = time.GetProperty("utc").GetDateTime().ToUniversalTime();
            var local = time.GetProperty("local").GetDateTimeOffset();
            Assert.That(utc, Is.GreaterThan(DateTime.UtcNow));
            if (previous is not null) Assert.That(utc, Is.GreaterThan(previous.Value));
            Assert.That(local.UtcDateTime, Is.EqualTo(utc), "local and UTC name the same instant");
            Assert.That(local.Offset, Is.EqualTo(berlin.GetUtcOffset(utc)), "local carries Berlin's offset");
            Assert.That((local.Hour, local.Minute), Is.AnyOf((2, 30), (3, 0)));
            previous = utc;
        }
    }

    [Test]
    public async Task A_schedule_can_be_read_listed_changed_and_deleted()
    {
        var slug = await NewProjectAsync();
        var created = await CreateAsync(slug, new { name = "hourly", cron = "0 * * * *" });
        var id = created.GetProperty("id").GetString();

        using var changed = await Client.PutAsJsonAsync($"/api/v1/projects/{slug}/schedules/{id}",
            new { cron = "15 6 * * 1-5", timeZone = "America/New_York", branch = "release/2.0", enabled = false });
        var afterChange = await changed.ReadJsonAsync();
        using var got = await Client.GetAsync($"/api/v1/projects/{slug}/schedules/{id}");
        var list = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/projects/{slug}/schedules");
        using var deleted = await Client.DeleteAsync($"/api/v1/projects/{slug}/schedules/{id}");
        using var gone = await Client.GetAsync($"/api/v1/projects/{slug}/schedules/{id}");

        Assert.Multiple(async () =>
        {
            Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK), afterChange.ToString());
            Assert.That(afterChange.GetProperty("name").GetString(), Is.EqualTo("hourly"), "a field left out keeps its value");
            Assert.That(afterChange.GetProperty("cron").GetString(), Is.EqualTo("15 6 * * 1-5"));
            Assert.That(afterChange.GetProperty("timeZone").GetString(), Is.EqualTo("America/New_York"));
            Assert.That(afterChange.GetProperty("branch").GetString(), Is.EqualTo("release/2.0"));
            Assert.That(afterChange.GetProperty("enabled").GetBoolean(), Is.False);
            Assert.That(afterChange.GetProperty("nextRuns").GetArrayLength(), Is.Zero, "a disabled schedule fires at no time");
            Assert.That(got.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((await got.ReadJsonAsync()).GetProperty("cron").GetString(), Is.EqualTo("15 6 * * 1-5"));
            Assert.That(list.GetProperty("totalCount").GetInt32(), Is.EqualTo(1));
            Assert.That(list.GetProperty("items")[0].GetProperty("id").GetString(), Is.EqualTo(id));
            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            await gone.ReadProblemAsync(HttpStatusCode.NotFound);
        });
    }

    private static readonly object[] Refused =
    [
        new object[] { new { name = "x", cron = "0 30 2 * * *" }, "cron", "has 6 fields" },
        new object[] { new { name = "x", cron = "every night" }, "cron", "has 2 fields" },
        new object[] { new { name = "x", cron = "61 * * * *" }, "cron", "is not a cron expression" },
        new object[] { new { name = "x", cron = "0 0 30 2 *" }, "cron", "never fires" },
        new object[] { new { name = "x" }, "cron", "is empty" },
        new object[] { new { name = "x", cron = "@daily", timeZone = "Mars/Olympus_Mons" }, "timeZone", "is not a time zone this server knows" },
        new object[] { new { name = "x", cron = "@daily", timeZone = "W. Europe Standard Time" }, "timeZone", "use the IANA id 'Europe/Berlin'" },
        new object[] { new { name = "x", cron = "@daily", timeZone = "../../../../etc/passwd" }, "timeZone", "is not an IANA time zone id" },
        new object[] { new { name = "x", cron = "@daily", branch = "feature..x" }, "branch", "contains '..'" },
        new object[] { new { name = "x", cron = "@daily", branch = "-upload-pack=evil" }, "branch", "starts with '-'" },
        new object[] { new { name = "x", cron = "@daily", branch = "refs/tags/v1" }, "branch", "not a full ref" },
        new object[] { new { name = "x", cron = "@daily", variables = new Dictionary<string, string> { ["1BAD"] = "v" } }, "variables", "is not a valid variable name" },
        new object[] { new { name = "", cron = "@daily" }, "name", "must not be empty" },
        new object[] { new { name = "night\u202Ely", cron = "@daily" }, "name", "U+202E RIGHT-TO-LEFT OVERRIDE" },
    ];

    [TestCaseSource(nameof(Refused))]
    public async Task A_bad_field_is_a_400_problem_that_names_the_field_and_says_why(object body, string field, string reason)
    {
        var slug = await NewProjectAsync();

        using var response = await Client.PostAsJsonAsync($"/api/v1/projects/{slug}/schedules", body);

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out var messages), Is.True, problem.ToString());
        Assert.That(messages[0].GetString(), Does.Contain(reason));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain(reason));
    }

    [Test]
    public async Task More_variables_than_Pipelines_MaxVariables_are_refused()
    {
        var slug = await NewProjectAsync();
        var variables = Enumerable.Range(0, 101).ToDictionary(i => $"V{i}", i => "x");

        using var response = await Client.PostAsJsonAsync($"/api/v1/projects/{slug}/schedules", new { name = "many", cron = "@daily", variables });

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").GetProperty("variables")[0].GetString(), Does.Contain("has 101 variables; the limit is 100"));
    }

    [Test]
    public async Task A_bad_change_is_refused_and_the_schedule_keeps_its_values()
    {
        var slug = await NewProjectAsync();
        var id = (await CreateAsync(slug, new { name = "n", cron = "@daily" })).GetProperty("id").GetString();

        using var response = await Client.PutAsJsonAsync($"/api/v1/projects/{slug}/schedules/{id}", new { cron = "* * * * * *", timeZone = "Nowhere" });

        var problem = await response.ReadProblemAsync(HttpStatusCode.BadRequest);
        var kept = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/projects/{slug}/schedules/{id}");
        Assert.Multiple(() =>
        {
            Assert.That(problem.GetProperty("errors").TryGetProperty("cron", out _), Is.True, problem.ToString());
            Assert.That(problem.GetProperty("errors").TryGetProperty("timeZone", out _), Is.True, problem.ToString());
            Assert.That(kept.GetProperty("cron").GetString(), Is.EqualTo("@daily"));
        });
    }

    [Test]
    public async Task A_second_schedule_with_the_same_name_is_a_409()
    {
        var slug = await NewProjectAsync();
        await CreateAsync(slug, new { name = "nightly", cron = "@daily" });

        using var response = await Client.PostAsJsonAsync($"/api/v1/projects/{slug}/schedules", new { name = "nightly", cron = "@hourly" });

        var problem = await response.ReadProblemAsync(HttpStatusCode.Conflict);
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("already has a schedule named 'nightly'"));
    }

    [Test]
    public async Task A_schedule_of_another_project_is_not_found_through_this_one()
    {
        var mine = await NewProjectAsync();
        var theirs = await NewProjectAsync();
        var id = (await CreateAsync(theirs, new { name = "n", cron = "@daily" })).GetProperty("id").GetString();

        using var get = await Client.GetAsync($"/api/v1/projects/{mine}/schedules/{id}");
        using var delete = await Client.DeleteAsync($"/api/v1/projects/{mine}/schedules/{id}");

        await get.ReadProblemAsync(HttpStatusCode.NotFound);
        await delete.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.That((await Client.GetFromJsonAsync<JsonElement>($"/api/v1/projects/{theirs}/schedules")).GetProperty("totalCount").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task Viewers_read_schedules_but_only_maintainers_change_them_and_outsiders_see_404()
    {
        var slug = await NewProjectAsync();
        var id = (await CreateAsync(slug, new { name = "n", cron = "@daily" })).GetProperty("id").GetString();
        var (viewerName, viewer) = await NewUserAsync();
        var (developerName, developer) = await NewUserAsync();
        var (maintainerName, maintainer) = await NewUserAsync();
        var (_, outsider) = await NewUserAsync();
        await AddMemberAsync(slug, viewerName, "viewer");
        await AddMemberAsync(slug, developerName, "developer");
        await AddMemberAsync(slug, maintainerName, "maintainer");
        var body = new { name = "m", cron = "@hourly" };

        using var viewerList = await viewer.GetAsync($"/api/v1/projects/{slug}/schedules");
        using var viewerCreate = await viewer.PostAsJsonAsync($"/api/v1/projects/{slug}/schedules", body);
        using var developerChange = await developer.PutAsJsonAsync($"/api/v1/projects/{slug}/schedules/{id}", new { enabled = false });
        using var developerDelete = await developer.DeleteAsync($"/api/v1/projects/{slug}/schedules/{id}");
        using var outsiderList = await outsider.GetAsync($"/api/v1/projects/{slug}/schedules");
        using var outsiderCreate = await outsider.PostAsJsonAsync($"/api/v1/projects/{slug}/schedules", body);
        using var maintainerCreate = await maintainer.PostAsJsonAsync($"/api/v1/projects/{slug}/schedules", body);
        using var maintainerChange = await maintainer.PutAsJsonAsync($"/api/v1/projects/{slug}/schedules/{id}", new { enabled = false });

        Assert.That(viewerList.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var refused = await viewerCreate.ReadProblemAsync(HttpStatusCode.Forbidden);
        Assert.That(refused.GetProperty("detail").GetString(), Does.Contain("maintainer"));
        await developerChange.ReadProblemAsync(HttpStatusCode.Forbidden);
        await developerDelete.ReadProblemAsync(HttpStatusCode.Forbidden);
        await outsiderList.ReadProblemAsync(HttpStatusCode.NotFound);
        await outsiderCreate.ReadProblemAsync(HttpStatusCode.NotFound);
        Assert.That(maintainerCreate.StatusCode, Is.EqualTo(HttpStatusCode.Created), await maintainerCreate.Content.ReadAsStringAsync());
        Assert.That(maintainerChange.StatusCode, Is.EqualTo(HttpStatusCode.OK), await maintainerChange.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Creating_changing_and_deleting_a_schedule_is_in_the_audit_log_without_variable_values()
    {
        var slug = await NewProjectAsync();
        var id = (await CreateAsync(slug, new { name = "audited", cron = "@daily", variables = new Dictionary<string, string> { ["TOKEN_HINT"] = "s3cr3t-value" } }))
            .GetProperty("id").GetString();
        (await Client.PutAsJsonAsync($"/api/v1/projects/{slug}/schedules/{id}", new { cron = "@hourly" })).Dispose();
        (await Client.DeleteAsync($"/api/v1/projects/{slug}/schedules/{id}")).Dispose();

        var audit = (await Client.GetFromJsonAsync<JsonElement>("/api/v1/admin/audit?pageSize=100")).GetProperty("items").EnumerateArray()
            .Where(e => e.StringOrNull("target") == $"project:{slug}" && e.StringOrNull("action")!.StartsWith("schedule_", StringComparison.Ordinal))
            .ToList();

        Assert.That(audit.Select(e => e.StringOrNull("action")), Is.EquivalentTo(new[] { "schedule_created", "schedule_updated", "schedule_deleted" }));
        Assert.Multiple(() =>
        {
            Assert.That(audit.Select(e => e.StringOrNull("actorName")), Is.All.EqualTo(OrchestratorFactory.AdminName));
            Assert.That(audit.Single(e => e.StringOrNull("action") == "schedule_updated").StringOrNull("detail"), Does.Contain("'@hourly' UTC on trunk"));
            Assert.That(audit.Select(e => e.StringOrNull("detail")), Has.All.Contain("TOKEN_HINT").And.All.Not.Contain("s3cr3t-value"));
        });
    }

    [Test]
    public async Task A_page_out_of_range_is_a_400()
    {
        var slug = await NewProjectAsync();

        using var response = await Client.GetAsync($"/api/v1/projects/{slug}/schedules?pageSize=1000");

        await response.ReadProblemAsync(HttpStatusCode.BadRequest);
    }
}
