using System.Text.RegularExpressions;

namespace Comet.Web.Tests;

public sealed class LogViewerTests : BrowserTest
{
    [Test]
    public async Task Follow_shows_the_latest_line_stops_when_scrolled_up_and_a_line_range_survives_a_reload()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              slow:
                steps:
                  - name: count
                    run: for i in $(seq 1 40); do echo "numbered line $i"; sleep 0.5; done
            """, "Follow");
        await SignInAsync(Page);
        var runId = await WebStack.PushAsync(project);
        await Page.GotoAsync($"/runs/{runId}");
        var slow = Page.Locator("[data-job='slow']");
        await Assertions.Expect(slow).ToHaveAttributeAsync("data-status", "running", new() { Timeout = 30_000 });
        await slow.ClickAsync();

        var log = Page.GetByRole(AriaRole.Region, new() { Name = "Log lines of slow" });
        await Assertions.Expect(log).ToHaveAttributeAsync("data-following", "true");
        await Assertions.Expect(log.GetByText("numbered line 25", new() { Exact = true })).ToBeInViewportAsync(new() { Timeout = 30_000 });

        // The person scrolls up to read: following stops, and a button brings it back.
        await log.HoverAsync();
        await Page.Mouse.WheelAsync(0, -5000);
        await Assertions.Expect(log).ToHaveAttributeAsync("data-following", "false");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Follow the log" }).ClickAsync();
        await Assertions.Expect(log).ToHaveAttributeAsync("data-following", "true");
        await Assertions.Expect(log.GetByText("numbered line 40", new() { Exact = true })).ToBeInViewportAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(slow).ToHaveAttributeAsync("data-status", "success", new() { Timeout = 30_000 });

        // Line 1 and 2 are Comet's own ([comet] trace, sandbox); the step's "numbered line 1" is line 3.
        await log.Locator("[data-line='3'] a").ClickAsync();
        await log.Locator("[data-line='5'] a").ClickAsync(new() { Modifiers = [KeyboardModifier.Shift] });
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex("#L3-L5$"));

        await Page.ReloadAsync();
        log = Page.GetByRole(AriaRole.Region, new() { Name = "Log lines of slow" });
        await Assertions.Expect(log.Locator("[data-line='4']")).ToHaveClassAsync(new Regex(@"\bselected\b"));
        await Assertions.Expect(log.Locator("[data-line='3']")).ToContainTextAsync("numbered line 1");
        await Assertions.Expect(log.Locator("[data-line='5']")).ToHaveClassAsync(new Regex(@"\bselected\b"));
        await Assertions.Expect(log.Locator("[data-line='6']")).Not.ToHaveClassAsync(new Regex(@"\bselected\b"));
        await Assertions.Expect(log.Locator("[data-line='4']")).ToBeInViewportAsync();
    }

    [Test]
    public async Task A_long_log_keeps_few_rows_in_the_page_and_search_colours_times_and_download_work()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              noisy:
                steps:
                  - name: colours
                    run: printf '\033[31mred alert\033[0m and plain\n'
                  - name: lots
                    run: seq 1 50000 | sed 's/^/row /'
            """, "Long log");
        await SignInAsync(Page);
        var runId = await WebStack.PushAsync(project);
        await Page.GotoAsync($"/runs/{runId}");
        var noisy = Page.Locator("[data-job='noisy']");
        await Assertions.Expect(noisy).ToHaveAttributeAsync("data-status", "success", new() { Timeout = 60_000 });
        // Opened while it ran, the log followed to its end; opened afresh, it starts at the top.
        await noisy.ClickAsync();
        await Page.ReloadAsync();

        var log = Page.GetByRole(AriaRole.Region, new() { Name = "Log lines of noisy" });
        await Assertions.Expect(log.Locator(".ansi-fg-1")).ToHaveTextAsync("red alert");
        await Assertions.Expect(Page.GetByText(new Regex(@"^5\d,\d{3} lines$"))).ToBeVisibleAsync();
        Assert.That(await log.Locator("[data-line]").CountAsync(), Is.LessThan(200), "every line is in the page: the log is not virtualised");

        // Search covers lines far below what is on screen.
        await Page.GetByRole(AriaRole.Searchbox, new() { Name = "Search the log" }).FillAsync("row 49999");
        await Assertions.Expect(Page.GetByText("1 match", new() { Exact = true })).ToBeVisibleAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
        await Assertions.Expect(Page.GetByText("1 of 1 match")).ToBeVisibleAsync();
        await Assertions.Expect(log.Locator("mark", new() { HasText = "row 49999" })).ToBeInViewportAsync();

        // Back to the top with the keyboard, then collapsing a step hides its lines.
        await log.FocusAsync();
        await Page.Keyboard.PressAsync("Home");
        await Assertions.Expect(log.Locator(".ansi-fg-1")).ToBeInViewportAsync();
        await log.GetByRole(AriaRole.Button, new() { Name = "lots", Exact = true }).ClickAsync();
        await Assertions.Expect(log.GetByRole(AriaRole.Button, new() { Name = "lots", Exact = true })).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(log.Locator("mark")).ToHaveCountAsync(0);

        await Page.GetByLabel("Times (UTC)").CheckAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex("times=1"));
        await Assertions.Expect(log.Locator("[data-line] .time").First).ToHaveTextAsync(new Regex(@"^\d\d:\d\d:\d\d\.\d{3}$"));

        var download = await Page.RunAndWaitForDownloadAsync(() =>
            log.GetByRole(AriaRole.Button, new() { Name = "Download colours log" }).ClickAsync());
        var raw = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.That(raw, Does.Contain("\u001b[31mred alert\u001b[0m and plain"));
        await AssertAccessibleAsync(Page, "the log viewer");
        await ScreenshotAsync(Page, "log");
    }
}
