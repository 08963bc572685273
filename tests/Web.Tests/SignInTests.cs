namespace Comet.Web.Tests;

public sealed class SignInTests : BrowserTest
{
    [Test]
    public async Task A_wrong_password_shows_the_servers_reason_and_the_right_one_opens_the_dashboard()
    {
        await Page.GotoAsync("/");
        await Assertions.Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/sign-in"));
        await AssertAccessibleAsync(Page, "the sign-in page");
        await ScreenshotAsync(Page, "sign-in");

        await Page.GetByLabel("Username").FillAsync(WebStack.AdminUser);
        await Page.GetByLabel("Password").FillAsync("not the password");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("password");

        await Page.GetByLabel("Password").FillAsync(WebStack.AdminPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
    }

    [Test]
    public async Task The_dark_theme_has_no_accessibility_violations_and_is_remembered()
    {
        await Page.GotoAsync("/sign-in");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Switch to dark theme" }).Or(Page.GetByRole(AriaRole.Button, new() { Name = "Switch to light theme" })).ClickAsync();
        var theme = await Page.EvaluateAsync<string>("document.documentElement.dataset.theme");
        if (theme != "dark") await Page.GetByRole(AriaRole.Button, new() { Name = "Switch to dark theme" }).ClickAsync();
        await Page.ReloadAsync();
        Assert.That(await Page.EvaluateAsync<string>("document.documentElement.dataset.theme"), Is.EqualTo("dark"));
        await AssertAccessibleAsync(Page, "the sign-in page, dark");
        await ScreenshotAsync(Page, "sign-in-dark");
    }

    [Test]
    public async Task A_reload_keeps_the_sign_in_through_an_http_only_cookie_and_no_token_is_in_web_storage()
    {
        await SignInAsync(Page);
        await Page.ReloadAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();

        var stored = await Page.EvaluateAsync<string>("JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})");
        Assert.That(stored, Does.Not.Contain("eyJ").And.Not.Contain("crt_"), "no token in web storage");
        Assert.That(await Page.EvaluateAsync<string>("document.cookie"), Does.Not.Contain("comet_refresh"), "scripts cannot read the cookie");

        var cookie = (await Context.CookiesAsync()).Single(c => c.Name == "comet_refresh");
        Assert.Multiple(() =>
        {
            Assert.That(cookie.HttpOnly, Is.True);
            Assert.That(cookie.SameSite, Is.EqualTo(SameSiteAttribute.Strict));
            Assert.That(cookie.Path, Is.EqualTo("/auth/refresh"));
        });
    }

    [Test]
    public async Task Signing_out_ends_the_sign_in_so_a_reload_asks_again_and_a_deep_link_returns_after_sign_in()
    {
        await SignInAsync(Page);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Comet" })).ToBeVisibleAsync();

        await Page.GotoAsync("/projects/new");
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to Comet" })).ToBeVisibleAsync();
        await Page.GetByLabel("Username").FillAsync(WebStack.AdminUser);
        await Page.GetByLabel("Password").FillAsync(WebStack.AdminPassword);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "New project" })).ToBeVisibleAsync();
    }

    [Test]
    public async Task Tabs_opened_at_the_same_moment_renew_one_after_another_and_all_stay_signed_in()
    {
        await SignInAsync(Page);
        var tabs = new List<IPage> { Page };
        for (var i = 0; i < 3; i++) tabs.Add(await Context.NewPageAsync());

        // Each tab renews its access token with the one refresh cookie; a spent cookie sent twice would end the sign-in.
        await Task.WhenAll(tabs.Select(tab => tab.GotoAsync("/")));
        foreach (var tab in tabs)
            await Assertions.Expect(tab.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();

        await Page.ReloadAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
    }
}
