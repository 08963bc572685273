using System.Text.RegularExpressions;

namespace Comet.Web.Tests;

public sealed class RunAgainTests : BrowserTest
{
    [Test]
    public async Task A_finished_run_runs_again_whole_at_the_same_commit_as_a_new_run()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              first:
                steps:
                  - run: echo "first at $COMET_COMMIT_SHA"
              second:
                needs: [first]
                steps:
                  - run: echo second
            """, "Run again");
        var runId = await WebStack.PushAsync(project, "Once more");
        await SignInAsync(Page);
        await Page.GotoAsync($"/runs/{runId}");
        await Assertions.Expect(Page.Locator("[data-job='second']")).ToHaveAttributeAsync("data-status", "success", new() { Timeout = 60_000 });
        Assert.That(await Page.GetByRole(AriaRole.Button, new() { Name = "Retry failed jobs" }).CountAsync(), Is.Zero,
            "a run that succeeded has no failed jobs to retry");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Run the whole run again" }).ClickAsync();
        await Assertions.Expect(Page).Not.ToHaveURLAsync(new Regex($"/runs/{runId}$"));
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("#2");
        await Assertions.Expect(Page.Locator("[data-job='second']")).ToHaveAttributeAsync("data-status", "success", new() { Timeout = 60_000 });
        await Assertions.Expect(Page.Locator("dl.facts")).ToContainTextAsync(project.HeadSha[..8]);
        await Assertions.Expect(Page.Locator("dl.facts")).ToContainTextAsync("manual");
    }
}
