using System.Net.Http.Json;
using System.Text.RegularExpressions;

namespace Comet.Web.Tests;

public sealed class RunPageTests : BrowserTest
{
    [Test]
    public async Task The_job_graph_groups_matrix_legs_and_turns_green_live_without_a_reload()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              build:
                steps:
                  - name: compile
                    run: echo compiling; sleep 3; echo compiled
              test:
                needs: [build]
                matrix:
                  SUITE: [unit, integration]
                steps:
                  - run: echo "testing $SUITE"; sleep 1
              package:
                needs: [test]
                steps:
                  - run: echo packaging
            """, "Graph");
        await SignInAsync(Page);
        var runId = await WebStack.PushAsync(project, "Grow the graph");
        await Page.GotoAsync($"/runs/{runId}");
        // Set in this page's memory: still there at the end means no reload happened on the way.
        await Page.EvaluateAsync("window.__samePage = 'yes'");

        var graph = Page.GetByRole(AriaRole.Group, new() { Name = "Job graph" });
        await Assertions.Expect(graph.Locator("[data-group='test'] [data-job]")).ToHaveCountAsync(2);
        await Assertions.Expect(graph.Locator("[data-job='test [SUITE=unit]']")).ToContainTextAsync("SUITE=unit");
        await Assertions.Expect(graph.Locator("[data-job='package']")).Not.ToHaveAttributeAsync("data-status", "success");
        await Assertions.Expect(graph.Locator("[data-job='build']")).ToHaveAttributeAsync("data-status", "running", new() { Timeout = 30_000 });
        await Assertions.Expect(graph.Locator("svg path")).ToHaveCountAsync(2);

        await Assertions.Expect(graph.Locator("[data-job='test [SUITE=integration]']")).ToHaveAttributeAsync("data-status", "success", new() { Timeout = 60_000 });
        await Assertions.Expect(graph.Locator("[data-job='package']")).ToHaveAttributeAsync("data-status", "success", new() { Timeout = 60_000 });
        await Assertions.Expect(Page.Locator("[data-run-status]")).ToHaveAttributeAsync("data-run-status", "success");
        Assert.That(await Page.EvaluateAsync<string>("window.__samePage"), Is.EqualTo("yes"), "the page reloaded");

        await graph.Locator("[data-job='build']").ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex(@"\?job="));
        await Assertions.Expect(Page.Locator("[data-selected-job='build'] [data-step='compile']")).ToHaveAttributeAsync("data-status", "success");
        await Assertions.Expect(Page.GetByRole(AriaRole.Region, new() { Name = "Log lines of build" })).ToContainTextAsync("compiled");
        await AssertAccessibleAsync(Page, "the run page with a log open");
        await ScreenshotAsync(Page, "run");
    }

    [Test]
    public async Task A_failed_test_is_shown_first_with_its_message_stack_and_history_and_the_coverage()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              unit:
                steps:
                  - name: run tests
                    run: |
                      mkdir -p reports
                      printf '%s\n' '<testsuite name="calc" tests="2" failures="1">' \
                        '<testcase classname="Calc" name="adds" time="0.01"/>' \
                        '<testcase classname="Calc" name="divides_by_zero" time="0.02">' \
                        '<failure message="expected 0 but got Infinity">AssertionError: expected 0 but got Infinity' \
                        '    at divide (calc.js:10:5)</failure></testcase></testsuite>' > reports/junit.xml
                      printf '%s\n' '<coverage line-rate="0.75" branch-rate="0"><packages><package name="p"><classes>' \
                        '<class name="Calc" filename="calc.js"><lines><line number="1" hits="1"/><line number="2" hits="1"/>' \
                        '<line number="3" hits="1"/><line number="4" hits="0"/></lines></class></classes></package></packages></coverage>' > coverage.xml
                      exit 1
                reports:
                  junit: ["reports/*.xml"]
                  coverage: ["coverage.xml"]
            """, "Tests tab");
        await SignInAsync(Page);
        var runId = await WebStack.PushAsync(project, "Divide carefully");
        await Page.GotoAsync($"/runs/{runId}");
        await Assertions.Expect(Page.Locator("[data-run-status]")).ToHaveAttributeAsync("data-run-status", "failed", new() { Timeout = 60_000 });

        await Page.GetByRole(AriaRole.Link, new() { Name = "Tests", Exact = true }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex(@"tab=tests"));
        await Assertions.Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Tests", Exact = true })).ToHaveAttributeAsync("aria-current", "page");
        var failed = Page.Locator("[data-test='divides_by_zero']");
        await Assertions.Expect(failed).ToHaveAttributeAsync("data-status", "failed");
        await Assertions.Expect(failed).ToContainTextAsync("expected 0 but got Infinity");
        await Assertions.Expect(failed.Locator("pre")).ToContainTextAsync("at divide (calc.js:10:5)");
        await Assertions.Expect(Page.GetByText("1 passed")).ToBeVisibleAsync();
        await Assertions.Expect(Page.GetByText(new Regex(@"Lines\s*75\.0 %\s*\(3 of 4\)"))).ToBeVisibleAsync();
        // The passing case is folded away under the failures.
        await Assertions.Expect(Page.Locator("[data-test='adds']")).Not.ToBeVisibleAsync();

        await failed.GetByRole(AriaRole.Button, new() { Name = "History" }).ClickAsync();
        var history = failed.GetByRole(AriaRole.List, new() { Name = "History of Calc.divides_by_zero" });
        await Assertions.Expect(history.GetByRole(AriaRole.Link, new() { Name = "#1" })).ToBeVisibleAsync();
        await AssertAccessibleAsync(Page, "the tests tab");
        await ScreenshotAsync(Page, "tests");
    }

    [Test]
    public async Task Cancelling_a_running_run_shows_it_cancelled()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              long:
                steps:
                  - name: wait
                    run: echo started; sleep 60
            """, "Cancel");
        await SignInAsync(Page);
        var runId = await WebStack.PushAsync(project);
        await Page.GotoAsync($"/runs/{runId}");
        await Assertions.Expect(Page.Locator("[data-job='long']")).ToHaveAttributeAsync("data-status", "running", new() { Timeout = 30_000 });

        await Page.GetByRole(AriaRole.Button, new() { Name = "Cancel run" }).ClickAsync();
        await Assertions.Expect(Page.Locator("[data-run-status]")).ToHaveAttributeAsync("data-run-status", "cancelled", new() { Timeout = 30_000 });
        await Assertions.Expect(Page.Locator("[data-job='long']")).ToHaveAttributeAsync("data-status", "cancelled");
        await Assertions.Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Cancel run" })).ToHaveCountAsync(0);
        await Assertions.Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Retry failed jobs" })).ToBeVisibleAsync();
    }

    [Test]
    public async Task A_superseded_run_says_so_and_links_to_the_run_that_replaced_it()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              wait:
                steps:
                  - run: sleep 30
            """, "Superseded");
        using (var admin = await WebStack.ApiAsync())
        {
            using var answer = await admin.PutAsJsonAsync($"/api/v1/projects/{project.Slug}", new { autoCancel = new { branches = "all" } });
            Assert.That(answer.IsSuccessStatusCode, Is.True, await answer.Content.ReadAsStringAsync());
        }
        var older = await WebStack.PushAsync(project, "First try");
        project.Commit(new Dictionary<string, string> { ["notes.txt"] = "again" }, "Second try");
        var newer = await WebStack.PushAsync(project, "Second try");

        await SignInAsync(Page);
        await Page.GotoAsync($"/runs/{older}");
        await Assertions.Expect(Page.Locator("[data-run-status]")).ToHaveAttributeAsync("data-run-status", "cancelled", new() { Timeout = 30_000 });
        var note = Page.GetByRole(AriaRole.Note);
        await Assertions.Expect(note).ToContainTextAsync("superseded by run #2");
        await Assertions.Expect(note).Not.ToContainTextAsync("/api/v1/");
        await note.GetByRole(AriaRole.Link, new() { Name = "run #2" }).ClickAsync();
        await Assertions.Expect(Page).ToHaveURLAsync(new Regex($"/runs/{newer}$"));
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("#2");
    }

    [Test]
    public async Task A_manual_job_says_why_it_waits_and_starts_from_the_page()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              build:
                steps:
                  - run: echo built
              deploy:
                needs: [build]
                when: manual
                steps:
                  - run: echo deployed
            """, "Manual job");
        await SignInAsync(Page);
        var runId = await WebStack.PushAsync(project);
        await Page.GotoAsync($"/runs/{runId}");
        var deploy = Page.Locator("[data-job='deploy']");
        await Assertions.Expect(deploy).ToHaveAttributeAsync("data-status", "waiting_for_approval", new() { Timeout = 60_000 });
        await deploy.ClickAsync();
        await Assertions.Expect(Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Waiting for someone to start it" })).ToBeVisibleAsync();

        await Page.GetByLabel("Comment (optional)").FillAsync("go ahead");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();
        await Assertions.Expect(deploy).ToHaveAttributeAsync("data-status", "success", new() { Timeout = 60_000 });
        await Assertions.Expect(Page.Locator("[data-selected-job='deploy']")).ToContainTextAsync("go ahead");
    }

    [Test]
    public async Task The_author_of_a_run_cannot_approve_its_deploy_sees_why_and_may_reject_it()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              deploy:
                environment: production
                steps:
                  - run: echo deploying
            """, "Approvals");
        string runId;
        using (var admin = await WebStack.ApiAsync())
        {
            using var rules = await admin.PutAsJsonAsync($"/api/v1/projects/{project.Slug}/environments/production", new { requiredApprovals = 1 });
            Assert.That(rules.IsSuccessStatusCode, Is.True, await rules.Content.ReadAsStringAsync());
            using var started = await admin.PostAsJsonAsync($"/api/v1/projects/{project.Slug}/runs", new { });
            var body = await started.Content.ReadAsStringAsync();
            Assert.That(started.IsSuccessStatusCode, Is.True, body);
            runId = System.Text.Json.Nodes.JsonNode.Parse(body)!["id"]!.GetValue<string>();
        }

        await SignInAsync(Page);
        await Page.GotoAsync($"/runs/{runId}");
        var deploy = Page.Locator("[data-job='deploy']");
        await Assertions.Expect(deploy).ToHaveAttributeAsync("data-status", "waiting_for_approval", new() { Timeout = 60_000 });
        var detail = Page.Locator("[data-selected-job='deploy']");
        await Assertions.Expect(detail.GetByRole(AriaRole.Status)).ToContainTextAsync("0 of 1 given");
        await Assertions.Expect(detail.GetByRole(AriaRole.Status)).ToContainTextAsync("Not admin, who started the run.");

        await detail.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(detail.GetByRole(AriaRole.Alert)).ToContainTextAsync("triggered");
        await Assertions.Expect(deploy).ToHaveAttributeAsync("data-status", "waiting_for_approval");

        await detail.GetByLabel("Comment (optional)").FillAsync("not today");
        await detail.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Assertions.Expect(deploy).ToHaveAttributeAsync("data-status", "failed");
        await Assertions.Expect(detail).ToContainTextAsync("rejected by admin: not today");
        await Assertions.Expect(detail.GetByRole(AriaRole.Button, new() { Name = "Reject" })).ToHaveCountAsync(0);
    }

    [Test]
    public async Task An_artifact_downloads_and_its_signed_link_works_without_signing_in()
    {
        var project = await WebStack.CreateProjectAsync("""
            jobs:
              build:
                steps:
                  - run: mkdir -p dist && echo "the build's output" > dist/app.txt
                artifacts:
                  paths: ["dist/app.txt"]
            """, "Artifacts");
        await SignInAsync(Page);
        var runId = await WebStack.PushAsync(project);
        await Page.GotoAsync($"/runs/{runId}?tab=artifacts");
        var row = Page.Locator("[data-artifact='dist/app.txt']");
        await Assertions.Expect(row).ToContainTextAsync("B", new() { Timeout = 60_000 });

        var download = await Page.RunAndWaitForDownloadAsync(() => row.GetByRole(AriaRole.Button, new() { Name = "Download" }).ClickAsync());
        Assert.That(download.SuggestedFilename, Is.EqualTo("app.txt"));
        Assert.That(await File.ReadAllTextAsync(await download.PathAsync()), Is.EqualTo("the build's output\n"));

        await row.GetByRole(AriaRole.Button, new() { Name = "Copy signed link" }).ClickAsync();
        var link = row.GetByRole(AriaRole.Textbox, new() { Name = "Signed link" });
        await Assertions.Expect(link).ToHaveValueAsync(new Regex("/api/v1/artifacts/.+/download\\?"));
        using var anonymous = new HttpClient();
        var body = await anonymous.GetStringAsync(await link.InputValueAsync());
        Assert.That(body, Is.EqualTo("the build's output\n"));
        await AssertAccessibleAsync(Page, "the artifacts tab");
    }
}
