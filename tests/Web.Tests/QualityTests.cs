using System.Text.RegularExpressions;

namespace Comet.Web.Tests;

/// <summary>What every page owes its users: an honest offline notice, narrow screens, the keyboard.</summary>
public sealed class QualityTests : BrowserTest
{
    [Test]
    public async Task Offline_shows_a_notice_and_back_online_the_dashboard_catches_up_with_no_stale_spinner()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              quick:
                steps:
                  - run: echo quick
            """, "Offline catch-up");
        await SignInAsync(Page);
        var card = Page.Locator($"[data-project='{project.Slug}']");
        await Assertions.Expect(card).ToContainTextAsync("No runs yet");

        await Context.SetOfflineAsync(true);
        await Assertions.Expect(Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Offline" })).ToBeVisibleAsync();

        // While this browser is offline a push runs to its end.
        var runId = await WebStack.PushAsync(project, "Pushed while the browser was offline");
        using (var api = await WebStack.ApiAsync())
            for (var status = ""; status != "success";)
            {
                var run = System.Text.Json.JsonDocument.Parse(await api.GetStringAsync($"/api/v1/runs/{runId}")).RootElement;
                status = run.GetProperty("status").GetString()!;
                Assert.That(status, Is.AnyOf("pending", "running", "success"));
                if (status != "success") await Task.Delay(200);
            }

        await Context.SetOfflineAsync(false);
        await Assertions.Expect(Page.GetByText("Offline: Comet cannot be reached")).ToBeHiddenAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(card.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "success", new() { Timeout = 30_000 });
        await Assertions.Expect(Page.Locator(".pulse")).ToHaveCountAsync(0);
    }

    [Test]
    public async Task At_320_pixels_wide_the_main_pages_need_no_sideways_scrolling()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              narrow:
                steps:
                  - run: echo narrow
            """, "A project with a rather long name for a narrow phone screen");
        var runId = await WebStack.PushAsync(project, "A commit message long enough to wrap several times on a narrow phone screen");
        var (context, page) = await NewPageAsync(320, 640);
        try
        {
            await page.GotoAsync("/sign-in");
            await AssertNoSidewaysScrollAsync(page, "sign-in");
            await SignInAsync(page);
            foreach (var (path, ready) in new[]
            {
                ("/", "Dashboard"),
                ($"/projects/{project.Slug}", "A project with a rather long name"),
                ($"/runs/{runId}", "#1"),
                ("/projects/new", "New project"),
            })
            {
                await page.GotoAsync(path);
                await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 }).First).ToContainTextAsync(ready);
                await AssertNoSidewaysScrollAsync(page, path);
            }
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Test]
    public async Task The_keyboard_reaches_a_skip_link_first_and_the_navigation_after()
    {
        await SignInAsync(Page);
        await Page.GotoAsync("/");
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await Page.Keyboard.PressAsync("Tab");
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex("#main$"));

        await Page.GotoAsync("/");
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        var visited = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            await Page.Keyboard.PressAsync("Tab");
            visited.Add(await Page.EvaluateAsync<string>("() => document.activeElement?.textContent?.trim() ?? ''"));
        }
        TestContext.Out.WriteLine("Tab order: " + string.Join(" | ", visited));
        await Assertions.Expect(Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Dashboard" }))
            .ToBeFocusedAsync();
        await Page.Keyboard.PressAsync("Tab");
        await Page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex("/tokens$"));
    }

    private static async Task AssertNoSidewaysScrollAsync(IPage page, string what)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        var (scroll, client) = (widths[0], widths[1]);
        Assert.That(scroll, Is.LessThanOrEqualTo(client), $"{what} is {scroll} px wide in a {client} px window");
    }
}
