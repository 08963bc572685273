using System.Text.RegularExpressions;

namespace Comet.Web.Tests;

public sealed class AdminTests : BrowserTest
{
    [Test]
    public async Task An_admin_creates_an_account_resets_its_password_and_finds_both_in_the_audit_log()
    {
        var username = "carol" + Guid.NewGuid().ToString("N")[..6];
        await SignInAsync(Page);
        await Page.GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.Locator($"tr[data-user='{WebStack.AdminUser}']")).ToContainTextAsync("admin");

        await Page.GetByLabel("Username").FillAsync(username);
        await Page.GetByLabel("Password (12+ characters)").FillAsync("short");
        await Page.GetByLabel("Password (12+ characters)").EvaluateAsync("e => e.removeAttribute('minlength')");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("12");

        await Page.GetByLabel("Password (12+ characters)").FillAsync("Carol-first-password-1");
        await Page.GetByLabel("Display name").FillAsync("Carol Jones");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        var row = Page.Locator($"tr[data-user='{username}']");
        await Assertions.Expect(row).ToContainTextAsync("Carol Jones");
        await AssertAccessibleAsync(Page, "the admin users tab");
        await ScreenshotAsync(Page, "admin");

        await row.GetByRole(AriaRole.Button, new() { Name = "Reset password", Exact = true }).ClickAsync();
        await row.GetByRole(AriaRole.Button, new() { Name = "Yes, reset" }).ClickAsync();
        var oneTime = Page.GetByLabel("One-time password");
        await Assertions.Expect(oneTime).ToHaveValueAsync(new Regex(".{12,}"));
        await Assertions.Expect(row).ToContainTextAsync("must change password");
        var password = await oneTime.InputValueAsync();

        // The one-time password signs carol in, straight to choosing her own.
        var (carolContext, carol) = await NewPageAsync();
        try
        {
            await SignInAsync(carol, username, password);
            await Assertions.Expect(carol).ToHaveURLAsync(new Regex("/change-password"));
        }
        finally
        {
            await carolContext.CloseAsync();
        }

        await Page.GetByRole(AriaRole.Link, new() { Name = "Audit log" }).ClickAsync();
        await Page.GetByLabel("Action").FillAsync("password_reset");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Filter" }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex("tab=audit.*action=password_reset|action=password_reset.*tab=audit"));
        await Assertions.Expect(Page.GetByRole(AriaRole.Table, new() { Name = "Audit events" })).ToContainTextAsync(username);
        await Assertions.Expect(Page.GetByRole(AriaRole.Table, new() { Name = "Audit events" })).Not.ToContainTextAsync("user_created");
        await AssertAccessibleAsync(Page, "the audit log");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Queue", Exact = true }).ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Queue" })).ToBeVisibleAsync();
        await AssertAccessibleAsync(Page, "the queue");
    }

    [Test]
    public async Task The_queue_says_in_words_why_a_job_waits()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              deploy:
                environment: staging
                approval: required
                steps:
                  - run: echo deploying
            """, "Waiting room");
        var runId = await WebStack.PushAsync(project, "Needs a yes");
        try
        {
            await SignInAsync(Page);
            await Page.GotoAsync("/admin?tab=queue");
            var row = Page.Locator("tr[data-queued='deploy']").Filter(new() { HasText = project.Slug });
            await Assertions.Expect(row).ToContainTextAsync("approv", new() { Timeout = 30_000 });
            await AssertAccessibleAsync(Page, "the queue with a waiting job");
        }
        finally
        {
            // Nobody will approve it: cancel it so the shared stack has nothing left running for the next tests.
            using var admin = await WebStack.ApiAsync();
            using var cancelled = await admin.PostAsync($"/api/v1/runs/{runId}/cancel", null);
            Assert.That(cancelled.IsSuccessStatusCode, Is.True, await cancelled.Content.ReadAsStringAsync());
        }
    }
}
