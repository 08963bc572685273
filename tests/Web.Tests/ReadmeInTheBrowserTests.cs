using System.Diagnostics;
using System.Text.RegularExpressions;
using Comet.TestSupport;

namespace Comet.Web.Tests;

/// <summary>
/// The README's first pipeline done from the browser, as its "In the browser" steps say: the repository made by the
/// README's own step 2 block, then sign-in, a new project, a manual run, the graph, a log and the tests, with no curl.
/// </summary>
public sealed partial class ReadmeInTheBrowserTests : BrowserTest
{
    [Test]
    public async Task The_readmes_first_pipeline_runs_from_the_browser_as_its_steps_say()
    {
        var readme = File.ReadAllText(System.IO.Path.Combine(DevScript.RepositoryRoot, "README.md"));
        Assert.That(readme, Does.Contain("### In the browser"), "the README has the browser walkthrough");
        using var home = new TempDirectory("comet-readme-home");
        await RunAsync(RepositoryBlock(readme), home.Path);
        var repository = System.IO.Path.Combine(home.Path, "my-app");

        await Page.GotoAsync("/");
        await Page.GetByLabel("Username").FillAsync(WebStack.AdminUser);
        await Page.GetByLabel("Password").FillAsync(WebStack.AdminPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Page.GetByRole(AriaRole.Link, new() { Name = "New project" }).ClickAsync();
        await Page.GetByLabel("Name").FillAsync("My App " + Guid.NewGuid().ToString("N")[..4]);
        await Page.GetByLabel("Repository URL").FillAsync("file://" + repository);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create project" }).ClickAsync();
        await Assertions.Expect(Page.GetByLabel("Webhook secret (shown only now)")).ToHaveValueAsync(new Regex(".{16,}"));
        await Assertions.Expect(Page.GetByLabel("Webhook URL")).ToHaveValueAsync(new Regex("/hooks/github/"));

        await Page.GetByRole(AriaRole.Status).GetByRole(AriaRole.Link).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Run manually" }).ClickAsync();
        await Page.GetByLabel(new Regex("^Ref")).FillAsync("main");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Start run" }).ClickAsync();

        await Assertions.Expect(Page).ToHaveURLAsync(new Regex("/runs/"));
        foreach (var job in new[] { "build", "SUITE=unit", "SUITE=integration" })
            await Assertions.Expect(Page.Locator($"[data-job='{job}'], [data-job$='[{job}]']").First)
                .ToHaveAttributeAsync("data-status", "success", new() { Timeout = 60_000 });
        await Page.Locator("[data-job='build']").ClickAsync();
        await Assertions.Expect(Page.Locator("[data-log-viewer]")).ToContainTextAsync("building main in Release");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Tests", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.Locator(".totals")).ToContainTextAsync("4 passed");
    }

    /// <summary>Step 2's bash block (the one that makes ~/my-app), as a reader copies it out of the list item.</summary>
    private static string RepositoryBlock(string readme)
    {
        var block = BashFence().Matches(readme).Select(m => (m.Groups["indent"].Value.Length, m.Groups["body"].Value))
            .Single(b => b.Item2.Contains("mkdir -p ~/my-app"));
        return string.Join('\n', block.Item2.Split('\n').Select(line => line.Length >= block.Item1 ? line[block.Item1..] : line.TrimStart()));
    }

    private static async Task RunAsync(string script, string home)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-euc");
        info.ArgumentList.Add(script);
        info.Environment["HOME"] = home;
        info.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        info.Environment["GIT_AUTHOR_NAME"] = info.Environment["GIT_COMMITTER_NAME"] = "Reader";
        info.Environment["GIT_AUTHOR_EMAIL"] = info.Environment["GIT_COMMITTER_EMAIL"] = "reader@example.com";
        var (exitCode, _, stderr) = await ChildProcess.RunAsync(info, TimeSpan.FromMinutes(1), "the README's step 2");
        Assert.That(exitCode, Is.Zero, stderr);
    }

    [GeneratedRegex(@"^(?<indent>[ ]*)```bash\n(?<body>.*?)\n[ ]*```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex BashFence();
}
