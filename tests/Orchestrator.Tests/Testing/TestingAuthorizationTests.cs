using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Testing;

/// <summary>
/// Test results, coverage and artifacts are read like the run they belong to: a viewer of the project reads them, anyone
/// else gets the same 404 as for a run that does not exist, and an id from one project never opens another's.
/// </summary>
public sealed class TestingAuthorizationTests : PipelineTestBase
{
    private readonly List<HttpClient> _users = [];

    private const string Pipeline = """
        jobs:
          check:
            steps:
              - run: |
                  mkdir -p reports dist
                  cat > reports/junit.xml <<'EOF'
                  <testsuite name="app.Checks"><testcase classname="app.Checks" name="works" time="0.5"/></testsuite>
                  EOF
                  cat > coverage.xml <<'EOF'
                  <?xml version="1.0" ?>
                  <coverage version="6.5.0" timestamp="0" lines-valid="2" lines-covered="1" line-rate="0.5" branches-valid="0" branches-covered="0" branch-rate="0" complexity="0">
                    <sources><source>.</source></sources>
                    <packages><package name="app" line-rate="0.5" branch-rate="0" complexity="0"><classes>
                      <class name="a.py" filename="app/a.py" line-rate="0.5" branch-rate="0" complexity="0"><methods/><lines>
                        <line number="1" hits="1"/><line number="2" hits="0"/>
                      </lines></class>
                    </classes></package></packages>
                  </coverage>
                  EOF
                  echo "private build output" > dist/app.txt
            reports:
              junit: reports/junit.xml
              coverage: coverage.xml
            artifacts: ["dist/**"]
        """;

    [OneTimeTearDown]
    public void DisposeUsers()
    {
        foreach (var user in _users) user.Dispose();
    }

    private async Task<(string Name, HttpClient Client)> NewUserAsync()
    {
        var user = await Factory.NewUserAsync(Client);
        _users.Add(user.Client);
        return user;
    }

    /// <summary>A finished run (by the admin, the project's owner) with a test report, coverage and an artifact.</summary>
    private async Task<(CreatedProject Project, RunView Run, JsonElement Artifact, string TestId)> RunWithEverythingAsync()
    {
        var (_, project) = await ProjectWithAsync(Pipeline);
        var run = await Client.TriggerAndWaitAsync(project.Slug);
        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var artifact = (await Client.ListArtifactsAsync(run.Id)).Artifact("check", "dist/app.txt");
        var testId = (await Client.RunTestsAsync(run.Id)).Items("cases").Single().Str("testId");
        return (project, run, artifact, testId);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path) =>
        method == "POST" ? await client.PostAsJsonAsync(path, new { expiresIn = "1h" }) : await client.GetAsync(path);

    private static IEnumerable<(string Method, string Path)> ReadsOf(CreatedProject project, RunView run, JsonElement artifact, string testId) =>
    [
        ("GET", $"/api/v1/runs/{run.Id}/tests"),
        ("GET", $"/api/v1/runs/{run.Id}/coverage"),
        ("GET", $"/api/v1/runs/{run.Id}/artifacts"),
        ("GET", TestingApi.DownloadPath(run.Id, artifact)),
        ("POST", TestingApi.DownloadPath(run.Id, artifact) + "/url"),
        ("GET", $"/api/v1/projects/{project.Slug}/tests/flaky"),
        ("GET", $"/api/v1/projects/{project.Slug}/tests/slowest"),
        ("GET", $"/api/v1/projects/{project.Slug}/tests/{testId}/history"),
        ("GET", $"/api/v1/projects/{project.Slug}/coverage"),
    ];

    [Test]
    public async Task A_user_who_is_not_a_member_gets_404_for_the_tests_coverage_and_artifacts_and_a_viewer_reads_them()
    {
        var (project, run, artifact, testId) = await RunWithEverythingAsync();
        var (_, outsider) = await NewUserAsync();
        var (viewerName, viewer) = await NewUserAsync();
        await Client.AddMemberAsync(project.Slug, viewerName, "viewer");

        foreach (var (method, path) in ReadsOf(project, run, artifact, testId))
        {
            using var asOutsider = await SendAsync(outsider, method, path);
            var outsiderBody = await asOutsider.Content.ReadAsStringAsync();
            using var asViewer = await SendAsync(viewer, method, path);
            var viewerBody = await asViewer.Content.ReadAsStringAsync();
            Assert.Multiple(() =>
            {
                Assert.That(asOutsider.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), $"{method} {path} as a non-member: {outsiderBody}");
                Assert.That(outsiderBody, Does.Not.Contain("private build output").And.Not.Contain("works"), $"{method} {path}");
                Assert.That(asViewer.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"{method} {path} as a viewer: {viewerBody}");
            });
        }
    }

    [Test]
    public async Task A_run_or_project_of_ones_own_does_not_open_an_artifact_or_test_of_another_project()
    {
        var (_, _, artifact, testId) = await RunWithEverythingAsync();
        var (_, outsider) = await NewUserAsync();
        using var ownRepository = TestRepository.Create(Pipeline);
        var ownProject = await outsider.CreateProjectAsync(ownRepository.Url);
        var ownRun = await outsider.TriggerAndWaitAsync(ownProject.Slug);
        Assert.That(ownRun.Status, Is.EqualTo("success"), ownRun.ToString());
        var artifactId = artifact.Str("id");

        using var download = await outsider.GetAsync($"/api/v1/runs/{ownRun.Id}/artifacts/{artifactId}");
        using var sign = await outsider.PostAsJsonAsync($"/api/v1/runs/{ownRun.Id}/artifacts/{artifactId}/url", new { expiresIn = "1h" });
        using var history = await outsider.GetAsync($"/api/v1/projects/{ownProject.Slug}/tests/{testId}/history");

        Assert.Multiple(async () =>
        {
            Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "another project's artifact through one's own run");
            Assert.That(await download.Content.ReadAsStringAsync(), Does.Not.Contain("private build output"));
            Assert.That(sign.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a signed URL for another project's artifact");
            Assert.That(history.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the outsider's own project has a test of the same name");
        });
        // The same job, suite, class and name give the same test id in both projects; each project sees only its own runs.
        var results = (await history.ReadJsonAsync()).Items("results").ToList();
        Assert.That(results.Select(r => r.Str("runId")), Is.EqualTo(new[] { ownRun.Id.ToString() }));
    }
}
