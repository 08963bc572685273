using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Comet.Web.Tests;

public sealed class ApprovalTests : BrowserTest
{
    private const string Pipeline = """
        jobs:
          build:
            steps:
              - run: echo built
          deploy:
            needs: [build]
            environment: production
            steps:
              - run: echo deploying; sleep 1; echo deployed
        """;

    [Test]
    public async Task A_maintainer_approves_a_gated_deploy_in_another_browser_and_it_deploys()
    {
        var project = await WebStack.CreateProjectAsync(Pipeline, "Gated shop");
        var approver = "approver" + Guid.NewGuid().ToString("N")[..6];
        var password = await WebStack.CreateUserAsync(approver);
        using (var admin = await WebStack.ApiAsync())
        {
            using var member = await admin.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/members/{approver}", new { role = "maintainer" });
            Assert.That(member.IsSuccessStatusCode, Is.True, await member.Content.ReadAsStringAsync());
        }

        // The admin gates production in the browser: one approval needed.
        await SignInAsync(Page);
        await Page.GotoAsync($"/projects/{project.Slug}/environments");
        await Assertions.Expect(Page.GetByText("No environments yet")).ToBeVisibleAsync();
        var runId = await WebStack.PushAsync(project, "Ship it");
        var production = Page.Locator("[data-environment='production']");
        await Page.ReloadAsync();
        await Assertions.Expect(production).ToBeVisibleAsync();
        // The first run was not gated (no rule yet): its deploy shows as what production runs now.
        await Assertions.Expect(production.Locator("[data-current-run='1'] [data-status]")).ToHaveAttributeAsync("data-status", "success", new() { Timeout = 60_000 });
        await production.GetByRole(AriaRole.Button, new() { Name = "Edit protection" }).ClickAsync();
        await production.GetByLabel("Required approvals (0–10)").FillAsync("1");
        await production.GetByLabel("Branches that may deploy").FillAsync("main");
        await production.GetByRole(AriaRole.Button, new() { Name = "Save protection" }).ClickAsync();
        await Assertions.Expect(production).ToContainTextAsync("1 required, not by whoever triggered it");
        await Assertions.Expect(production).ToContainTextAsync("main");

        project.Commit(new Dictionary<string, string> { ["CHANGELOG"] = "v2\n" }, "Second release");
        runId = await WebStack.PushAsync(project, "Second release");
        var waiting = Page.Locator("[data-approval='deploy']");
        await Assertions.Expect(waiting).ToContainTextAsync("0 of 1 approvals", new() { Timeout = 60_000 });
        await AssertAccessibleAsync(Page, "the environments page with a pending approval");
        await ScreenshotAsync(Page, "environments");

        // A second person, in a browser of their own, approves.
        var (otherContext, other) = await NewPageAsync();
        try
        {
            await SignInAsync(other, approver, password);
            await other.GotoAsync($"/projects/{project.Slug}/environments");
            var card = other.Locator("[data-approval='deploy']");
            await card.GetByLabel("Comment (optional)").FillAsync("looks good");
            await card.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
            await Assertions.Expect(card).ToHaveCountAsync(0);
        }
        finally
        {
            await otherContext.CloseAsync();
        }

        // The admin's page follows the deploy live to success, naming the second run.
        await Assertions.Expect(Page.Locator("[data-approval='deploy']")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Assertions.Expect(production.Locator("[data-current-run='2'] [data-status]")).ToHaveAttributeAsync("data-status", "success", new() { Timeout = 60_000 });
        using var api = await WebStack.ApiAsync();
        var run = JsonNode.Parse(await api.GetStringAsync($"/api/v1/runs/{runId}"))!;
        var deploy = run["jobs"]!.AsArray().Last(j => j!["name"]!.GetValue<string>() == "deploy")!;
        Assert.That(deploy["status"]!.GetValue<string>(), Is.EqualTo("success"));
        Assert.That(deploy["approvals"]!.AsArray().Select(a => a!["user"]!.GetValue<string>()), Does.Contain(approver));

        await production.GetByText("History").ClickAsync();
        await Assertions.Expect(production.GetByRole(AriaRole.Table, new() { Name = "Deployments to production" }).Locator("tbody tr")).ToHaveCountAsync(2);
    }
}
