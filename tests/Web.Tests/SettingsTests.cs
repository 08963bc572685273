using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Comet.Web.Tests;

public sealed class SettingsTests : BrowserTest
{
    private const string Pipeline = """
        jobs:
          hello:
            steps:
              - run: echo hello
        """;

    [Test]
    public async Task A_secret_set_in_the_browser_is_listed_by_name_and_its_value_is_never_shown_again()
    {
        var project = await WebStack.CreateProjectAsync(Pipeline, "Secret keeper");
        const string value = "hunter2-but-longer-and-secret";
        await SignInAsync(Page);
        await Page.GotoAsync($"/projects/{project.Slug}/settings?section=secrets");
        await Assertions.Expect(Page.GetByText("No secrets yet.")).ToBeVisibleAsync();

        await Page.GetByLabel("Name (A–Z, 0–9, _)").FillAsync("DEPLOY_TOKEN");
        var field = Page.GetByLabel("Value");
        await Assertions.Expect(field).ToHaveAttributeAsync("type", "password");
        await field.FillAsync(value);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save secret" }).ClickAsync();

        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Saved DEPLOY_TOKEN");
        await Assertions.Expect(field).ToHaveValueAsync("");
        var row = Page.Locator("tr[data-secret-name='DEPLOY_TOKEN']");
        await Assertions.Expect(row).ToContainTextAsync("project");
        Assert.That(await Page.ContentAsync(), Does.Not.Contain(value));

        using var admin = await WebStack.ApiAsync();
        var listed = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/projects/{project.Slug}/secrets"))!;
        var names = listed["items"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        Assert.That(names, Does.Contain("DEPLOY_TOKEN"));
        Assert.That(listed.ToJsonString(), Does.Not.Contain(value), "the API never returns the value either");

        await Page.ReloadAsync();
        await Assertions.Expect(row).ToBeVisibleAsync();
        Assert.That(await Page.ContentAsync(), Does.Not.Contain(value));
        await AssertAccessibleAsync(Page, "the secrets settings");
        await ScreenshotAsync(Page, "settings");

        await row.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" }).ClickAsync();
        await Assertions.Expect(Page.GetByText("No secrets yet.")).ToBeVisibleAsync();
    }

    [Test]
    public async Task A_bad_cron_is_explained_and_a_schedule_shows_the_next_fire_times_the_server_computed()
    {
        var project = await WebStack.CreateProjectAsync(Pipeline, "Nightly");
        await SignInAsync(Page);
        await Page.GotoAsync($"/projects/{project.Slug}/settings?section=schedules");
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("nightly");
        await Page.GetByLabel("Cron (minute hour day month weekday, or @daily)").FillAsync("61 * * * *");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create schedule" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("ron");

        await Page.GetByLabel("Cron (minute hour day month weekday, or @daily)").FillAsync("30 2 * * *");
        await Page.GetByLabel("Time zone (IANA)").FillAsync("Europe/Berlin");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create schedule" }).ClickAsync();

        var card = Page.Locator("[data-schedule='nightly']");
        var fires = card.GetByRole(AriaRole.List, new() { Name = "Next fire times of nightly" }).Locator("time");
        await Assertions.Expect(fires).ToHaveCountAsync(5);

        using var admin = await WebStack.ApiAsync();
        var listed = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/projects/{project.Slug}/schedules"))!;
        var nextRuns = listed["items"]![0]!["nextRuns"]!.AsArray();
        for (var i = 0; i < 5; i++)
            await Assertions.Expect(fires.Nth(i)).ToHaveAttributeAsync("datetime", nextRuns[i]!["utc"]!.GetValue<string>());
        await Assertions.Expect(card).ToContainTextAsync("02:30 Europe/Berlin");
        await AssertAccessibleAsync(Page, "the schedules settings");

        await card.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Assertions.Expect(card).ToContainTextAsync("disabled");
        await Assertions.Expect(fires).ToHaveCountAsync(0);
    }

    [Test]
    public async Task Members_are_added_with_a_role_and_a_subscription_lists_its_channel()
    {
        var project = await WebStack.CreateProjectAsync(Pipeline, "Team");
        var username = "dev" + Guid.NewGuid().ToString("N")[..6];
        await WebStack.CreateUserAsync(username);
        await SignInAsync(Page);
        await Page.GotoAsync($"/projects/{project.Slug}/settings?section=members");
        await Page.GetByLabel("Username").FillAsync(username);
        await Page.GetByRole(AriaRole.Form, new() { Name = "Add a member" }).GetByLabel("Role").SelectOptionAsync("maintainer");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add member" }).ClickAsync();
        await Assertions.Expect(Page.GetByLabel($"Role of {username}")).ToHaveValueAsync("maintainer");
        await AssertAccessibleAsync(Page, "the members settings");

        using var admin = await WebStack.ApiAsync();
        var member = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/projects/{project.Slug}/members/{username}"))!;
        Assert.That(member["role"]!.GetValue<string>(), Is.EqualTo("maintainer"));

        await Page.GetByRole(AriaRole.Link, new() { Name = "Notifications" }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("section=notifications"));
        await Page.GetByLabel("Channel").SelectOptionAsync("email");
        await Page.GetByLabel("To (addresses, comma-separated)").FillAsync("team@example.com");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Table, new() { Name = "Subscriptions" })).ToContainTextAsync("team@example.com");
        await AssertAccessibleAsync(Page, "the notifications settings");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Webhook" }).ClickAsync();
        await Assertions.Expect(Page.GetByLabel("Webhook URL")).ToHaveValueAsync($"{WebStack.Url.ToString().TrimEnd('/')}/hooks/github/{project.Slug}");
        await AssertAccessibleAsync(Page, "the webhook settings");
    }

    [Test]
    public async Task A_status_that_cannot_be_sent_is_dead_in_the_delivery_log_and_a_loopback_webhook_is_refused_with_the_reason()
    {
        var project = await WebStack.CreateProjectAsync(Pipeline, "Loud");
        using (var admin = await WebStack.ApiAsync())
        {
            // Statuses read their token from secret GH_STATUS_TOKEN, deleted after setting them up: each one dies at once.
            var secret = $"/api/v1/projects/{project.Slug}/secrets/GH_STATUS_TOKEN";
            using var token = await admin.PutAsJsonAsync(secret, new { value = "ghp_not_a_real_token" });
            Assert.That(token.IsSuccessStatusCode, Is.True, await token.Content.ReadAsStringAsync());
            using var set = await admin.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/forge-status",
                new { tokenSecret = "GH_STATUS_TOKEN", repository = "acme/loud", perJob = false });
            Assert.That(set.IsSuccessStatusCode, Is.True, await set.Content.ReadAsStringAsync());
            using var deleted = await admin.DeleteAsync(secret);
            Assert.That(deleted.IsSuccessStatusCode, Is.True, await deleted.Content.ReadAsStringAsync());
        }
        await SignInAsync(Page);
        await Page.GotoAsync($"/projects/{project.Slug}/settings?section=notifications");
        await Page.GetByLabel("Webhook URL").FillAsync("http://127.0.0.1:9/hook");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Subscribe" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("loopback");
        await Assertions.Expect(Page.GetByText("Nobody is notified")).ToBeVisibleAsync();

        await WebStack.PushAsync(project, "Make noise");
        await WaitForDeadDeliveryAsync(project.Slug);
        await Page.GetByRole(AriaRole.Link, new() { Name = "Delivery log" }).ClickAsync();
        await Page.GetByLabel("State").SelectOptionAsync("dead");
        await Assertions.Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("section=deliveries.*state=dead|state=dead.*section=deliveries"));
        var dead = Page.Locator("tr[data-delivery]").First;
        await Assertions.Expect(dead).ToContainTextAsync("GH_STATUS_TOKEN");
        await AssertAccessibleAsync(Page, "the delivery log");

        await dead.GetByRole(AriaRole.Button, new() { Name = "Redeliver" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("goes out again");
    }

    [Test]
    public async Task The_general_settings_refuse_a_pipeline_file_outside_the_repository_and_save_the_fields()
    {
        var project = await WebStack.CreateProjectAsync(Pipeline, "Renamed later");
        await SignInAsync(Page);
        await Page.GotoAsync($"/projects/{project.Slug}/settings");
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { Name = "General" })).ToHaveAttributeAsync("aria-current", "page");
        await Assertions.Expect(Page.GetByRole(AriaRole.Textbox, new() { Name = "Default branch" })).ToHaveValueAsync("main");

        await Page.GetByLabel("Pipeline file").FillAsync("../outside.yml");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("relative path inside the repository");

        await Page.GetByLabel("Pipeline file").FillAsync("ci/comet.yml");
        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("Renamed now");
        await Page.GetByRole(AriaRole.Textbox, new() { Name = "Default branch" }).FillAsync("trunk");
        await Page.GetByLabel("On branches").SelectOptionAsync("all");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Saved.");
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Renamed now");
        await AssertAccessibleAsync(Page, "the general settings");

        using var admin = await WebStack.ApiAsync();
        var saved = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/projects/{project.Slug}"))!;
        Assert.That(saved["name"]!.GetValue<string>(), Is.EqualTo("Renamed now"));
        Assert.That(saved["defaultBranch"]!.GetValue<string>(), Is.EqualTo("trunk"));
        Assert.That(saved["pipelineFile"]!.GetValue<string>(), Is.EqualTo("ci/comet.yml"));
        Assert.That(saved["autoCancel"]!["branches"]!.GetValue<string>(), Is.EqualTo("all"));
    }

    [Test]
    public async Task The_settings_environments_tokens_and_admin_pages_fit_a_320_pixel_screen()
    {
        var project = await WebStack.CreateProjectAsync(Pipeline, "Narrow");
        var (context, narrow) = await NewPageAsync(320, 640);
        try
        {
            await SignInAsync(narrow);
            var pages = new (string Path, ILocator Loaded)[]
            {
                ($"/projects/{project.Slug}/settings?section=secrets", narrow.GetByText("No secrets yet.")),
                ($"/projects/{project.Slug}/settings?section=schedules", narrow.GetByText("No schedules yet.")),
                ($"/projects/{project.Slug}/settings?section=members", narrow.Locator($"tr[data-member='{WebStack.AdminUser}']")),
                ($"/projects/{project.Slug}/environments", narrow.GetByText("No environments yet")),
                ("/tokens", narrow.Locator("tr[data-token]").Or(narrow.GetByText("You have no tokens yet.")).First),
                ("/admin", narrow.Locator($"tr[data-user='{WebStack.AdminUser}']")),
            };
            foreach (var (path, loaded) in pages)
            {
                await narrow.GotoAsync(path);
                await Assertions.Expect(loaded).ToBeVisibleAsync();
                var overflow = await narrow.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
                var wide = await narrow.EvaluateAsync<string>("""
                    () => [...document.querySelectorAll('main *')]
                      .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
                      .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ')
                    """);
                Assert.That(overflow, Is.LessThanOrEqualTo(0), $"{path} scrolls sideways at 320 px; too wide: {wide}");
            }
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    /// <summary>The outbox works in the background: wait (bounded) until it has given up on the refused address.</summary>
    private static async Task WaitForDeadDeliveryAsync(string slug)
    {
        using var admin = await WebStack.ApiAsync();
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var page = JsonNode.Parse(await admin.GetStringAsync($"/api/v1/projects/{slug}/deliveries?state=dead"))!;
            if (page["items"]!.AsArray().Count > 0) return;
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "no dead delivery after a minute: " + page.ToJsonString());
            await Task.Delay(250);
        }
    }
}
