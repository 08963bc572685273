using System.Net;
using System.Net.Http.Headers;

namespace Comet.Web.Tests;

public sealed class TokenTests : BrowserTest
{
    [Test]
    public async Task A_token_is_shown_once_works_against_the_API_and_is_refused_after_revoking()
    {
        await SignInAsync(Page);
        await Page.GotoAsync("/tokens");
        await Page.GetByLabel("Name").FillAsync("release script");
        await Page.GetByLabel("Expires in (days, 1–365)").FillAsync("7");
        await Page.GetByRole(AriaRole.Checkbox, new() { Name = "write" }).CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();

        var shown = Page.GetByLabel("Your new token");
        await Assertions.Expect(shown).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^cpat_"));
        await Assertions.Expect(Page.GetByText("you won't see it again")).ToBeVisibleAsync();
        var token = await shown.InputValueAsync();
        var row = Page.Locator("tr[data-token='release script']");
        await Assertions.Expect(row).ToContainTextAsync("read, write");
        await Assertions.Expect(row).ToContainTextAsync("active");
        await AssertAccessibleAsync(Page, "the tokens page with a new token");
        await ScreenshotAsync(Page, "tokens");

        using var script = new HttpClient { BaseAddress = WebStack.Url };
        script.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var me = await script.GetAsync("/api/v1/me"))
            Assert.That(me.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the new token works");

        // After a reload the token is gone for good: only its name and prefix remain.
        await Page.ReloadAsync();
        await Assertions.Expect(row).ToContainTextAsync("release script");
        Assert.That(await Page.ContentAsync(), Does.Not.Contain(token));

        await row.GetByRole(AriaRole.Button, new() { Name = "Revoke", Exact = true }).ClickAsync();
        await Assertions.Expect(row.GetByText("Revoke “release script”?")).ToBeVisibleAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Yes, revoke" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("revoked");
        await Assertions.Expect(row.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);

        using var refused = await script.GetAsync("/api/v1/me");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "a revoked token is refused");
    }

    [Test]
    public async Task A_token_without_scopes_is_refused_with_the_servers_reason()
    {
        await SignInAsync(Page);
        await Page.GotoAsync("/tokens");
        await Page.GetByLabel("Name").FillAsync("no scopes");
        await Page.GetByRole(AriaRole.Checkbox, new() { Name = "read" }).UncheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("at least one of read");
        await Assertions.Expect(Page.Locator("tr[data-token='no scopes']")).ToHaveCountAsync(0);
    }
}
