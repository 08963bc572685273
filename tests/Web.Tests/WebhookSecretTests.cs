namespace Comet.Web.Tests;

public sealed class WebhookSecretTests : BrowserTest
{
    [Test]
    public async Task A_new_webhook_secret_is_shown_once_and_only_pushes_signed_with_it_run()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              hello:
                steps:
                  - run: echo hello
            """, "Rotated secret");
        var oldSecret = project.WebhookSecret;
        await SignInAsync(Page);
        await Page.GotoAsync($"/projects/{project.Slug}/settings?section=webhook");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Make a new secret" }).ClickAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Yes, replace the secret" }).ClickAsync();
        var field = Page.GetByLabel("New webhook secret");
        await Assertions.Expect(field).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$"));
        await AssertAccessibleAsync(Page, "the webhook settings with a new secret");
        project.WebhookSecret = await field.InputValueAsync();
        Assert.That(project.WebhookSecret, Is.Not.EqualTo(oldSecret));

        await WebStack.PushAsync(project, "Signed with the new secret");

        project.WebhookSecret = oldSecret;
        var refused = await WebStack.PushAnswerAsync(project, "Signed with the old secret");
        Assert.That(refused, Does.Contain("401").Or.Contain("does not match"), "a push signed with the old secret is refused");

        await Page.ReloadAsync();
        await Assertions.Expect(Page.GetByLabel("New webhook secret")).ToHaveCountAsync(0);
        await Assertions.Expect(Page.GetByText(project.WebhookSecret)).ToHaveCountAsync(0);
    }
}
