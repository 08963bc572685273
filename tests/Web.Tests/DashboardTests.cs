using System.Text.RegularExpressions;

namespace Comet.Web.Tests;

public sealed class DashboardTests : BrowserTest
{
    private const string Pipeline = """
        jobs:
          build:
            steps:
              - name: compile
                run: echo compiling; sleep 2; echo compiled
          test:
            needs: [build]
            steps:
              - run: echo testing
        """;

    [Test]
    public async Task A_push_shows_up_live_on_the_dashboard_and_turns_green_without_a_reload()
    {
        var project = await WebStack.CreateProjectAsync(Pipeline, "Live dashboard");
        await SignInAsync(Page);
        await Assertions.Expect(Page.Locator($"[data-project='{project.Slug}']")).ToContainTextAsync("No runs yet");

        var runId = await WebStack.PushAsync(project, "Make the widgets spin");

        var card = Page.Locator($"[data-project='{project.Slug}']");
        await Assertions.Expect(card.Locator("[data-status]")).ToHaveAttributeAsync("data-status", new Regex("pending|running"));
        await Assertions.Expect(Page.GetByRole(AriaRole.Table, new() { Name = "Runs in progress" })).ToContainTextAsync("#1");
        await ScreenshotAsync(Page, "dashboard-run-in-progress");
        await Assertions.Expect(card.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "success", new() { Timeout = 60_000 });
        await Assertions.Expect(Page.GetByText("Nothing is running.")).ToBeVisibleAsync();
        await AssertAccessibleAsync(Page, "the dashboard");
        await ScreenshotAsync(Page, "dashboard");

        await card.GetByRole(AriaRole.Link, new() { Name = "Live dashboard" }).ClickAsync();
        var row = Page.Locator("tr[data-run='1']");
        await Assertions.Expect(row).ToContainTextAsync("Make the widgets spin");
        await Assertions.Expect(row).ToContainTextAsync("main");
        await Assertions.Expect(row).ToContainTextAsync(project.HeadSha[..8]);
        await AssertAccessibleAsync(Page, "the project page");
        await ScreenshotAsync(Page, "project");

        await row.GetByRole(AriaRole.Link, new() { Name = "#1" }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex($"/runs/{runId}"));
        await Assertions.Expect(Page.Locator("[data-job='build']")).ToHaveAttributeAsync("data-status", "success");
    }

    [Test]
    public async Task The_run_filters_live_in_the_address_and_a_manual_run_with_variables_starts_from_the_browser()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              hello:
                steps:
                  - run: echo "hello $WHO"
            """, "Manual runs");
        await SignInAsync(Page);
        await Page.GotoAsync($"/projects/{project.Slug}");
        await Assertions.Expect(Page.GetByText("No runs yet.")).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Run manually" }).ClickAsync();
        await Page.GetByLabel("Variables, one NAME=value per line").FillAsync("WHO world");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Start run" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("NAME=value");

        await Page.GetByLabel("Variables, one NAME=value per line").FillAsync("WHO=world");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Start run" }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex("/runs/"));
        await Assertions.Expect(Page.Locator("[data-job='hello']")).ToHaveAttributeAsync("data-status", "success", new() { Timeout = 60_000 });

        await Page.GotoAsync($"/projects/{project.Slug}?status=failed");
        await Assertions.Expect(Page.GetByText("No runs match these filters.")).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByLabel("Status")).ToHaveValueAsync("failed");
        await Page.GetByLabel("Status").SelectOptionAsync("success");
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex("status=success"));
        await Assertions.Expect(Page.Locator("tr[data-run='1']")).ToContainTextAsync("manual");
    }
}
