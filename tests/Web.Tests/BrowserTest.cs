using Deque.AxeCore.Playwright;

namespace Comet.Web.Tests;

/// <summary>Each test gets its own browser context (its own cookies) and page on the shared stack.</summary>
[Category("Browser")]
public abstract class BrowserTest
{
    protected IBrowserContext Context { get; private set; } = null!;
    protected IPage Page { get; private set; } = null!;

    [SetUp]
    public async Task OpenPageAsync()
    {
        (Context, Page) = await NewPageAsync();
    }

    [TearDown]
    public async Task ClosePageAsync()
    {
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            var file = System.IO.Path.Combine(TestContext.CurrentContext.WorkDirectory, $"failed-{TestContext.CurrentContext.Test.Name}.png");
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
            TestContext.AddTestAttachment(file);
        }
        await Context.CloseAsync();
    }

    /// <summary>Another browser, as another person would have (e.g. a second user approving).</summary>
    protected static async Task<(IBrowserContext, IPage)> NewPageAsync(int width = 1280, int height = 800)
    {
        var context = await WebStack.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = WebStack.Url.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
        });
        context.SetDefaultTimeout(15_000);
        return (context, await context.NewPageAsync());
    }

    protected static async Task SignInAsync(IPage page, string user = WebStack.AdminUser, string? password = null)
    {
        await page.GotoAsync("/sign-in");
        await page.GetByLabel("Username").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password ?? WebStack.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>axe-core finds no accessibility violation on what the page shows now.</summary>
    protected static async Task AssertAccessibleAsync(IPage page, string what)
    {
        var result = await page.RunAxe();
        var violations = string.Join("\n", result.Violations.Select(v =>
            $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}"));
        Assert.That(result.Violations, Is.Empty, $"axe-core on {what}:\n{violations}");
    }

    /// <summary>
    /// Keeps a screenshot of a main page: into docs/ui/ when COMET_UPDATE_SCREENSHOTS=1 (the README shows them),
    /// otherwise into the test's work folder, so a test run never changes the repository.
    /// </summary>
    protected static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("COMET_UPDATE_SCREENSHOTS") == "1"
            ? System.IO.Path.Combine(Comet.TestSupport.DevScript.RepositoryRoot, "docs", "ui")
            : TestContext.CurrentContext.WorkDirectory;
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = System.IO.Path.Combine(folder, name + ".png"), FullPage = true });
    }
}
