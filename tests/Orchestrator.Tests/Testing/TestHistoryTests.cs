using System.Net;
using System.Text.Json;
using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Testing;

/// <summary>
/// A test's history across runs: flaky tests (passed and failed on the same commit, flips, runner markers), a test's
/// results newest first, and the slowest tests by median duration.
/// </summary>
public sealed class TestHistoryTests : PipelineTestBase
{
    private const string Suite = "com.example.ApiTest";

    /// <summary>
    /// A Gradle-style JUnit report written by the step: fetchesStatus passes or fails as the run's OUTCOME says, warmsCache
    /// takes SPIKE seconds, the others always pass in a fixed time. The step fails when the test did, as Gradle would.
    /// </summary>
    private const string GradleLikePipeline = """
        jobs:
          unit:
            steps:
              - name: gradle test
                run: |
                  mkdir -p build/test-results/test
                  if [ "$OUTCOME" = passed ]; then
                    failures=0; result=''
                  else
                    failures=1
                    result='<failure message="expected: &lt;200&gt; but was: &lt;503&gt;" type="org.opentest4j.AssertionFailedError">org.opentest4j.AssertionFailedError: expected: &lt;200&gt; but was: &lt;503&gt;
                  	at com.example.ApiTest.fetchesStatus(ApiTest.java:42)</failure>'
                  fi
                  cat > build/test-results/test/TEST-com.example.ApiTest.xml <<EOF
                  <?xml version="1.0" encoding="UTF-8"?>
                  <testsuite name="com.example.ApiTest" tests="4" skipped="0" failures="$failures" errors="0" timestamp="2026-11-22T08:00:00" hostname="ci" time="3.5">
                    <properties/>
                    <testcase name="fetchesStatus" classname="com.example.ApiTest" time="0.120">$result</testcase>
                    <testcase name="parsesBody" classname="com.example.ApiTest" time="0.010"/>
                    <testcase name="bulkImport" classname="com.example.ApiTest" time="3.000"/>
                    <testcase name="warmsCache" classname="com.example.ApiTest" time="$SPIKE"/>
                    <system-out><![CDATA[]]></system-out>
                    <system-err><![CDATA[]]></system-err>
                  </testsuite>
                  EOF
                  test "$OUTCOME" = passed
            reports:
              junit: ["build/test-results/**/TEST-*.xml"]
        """;

    private async Task<RunView> RunAsync(string slug, string outcome, string spike) =>
        await Client.TriggerAndWaitAsync(slug, new Dictionary<string, string> { ["OUTCOME"] = outcome, ["SPIKE"] = spike });

    /// <summary>Three manual runs of the same commit: fetchesStatus passes, fails, passes; warmsCache takes 0.1 s, 9 s, 0.2 s.</summary>
    private async Task<(TestRepository Repository, CreatedProject Project, RunView[] Runs)> ThreeRunsOfOneCommitAsync()
    {
        var (repository, project) = await ProjectWithAsync(GradleLikePipeline);
        var runs = new[]
        {
            await RunAsync(project.Slug, "passed", "0.100"),
            await RunAsync(project.Slug, "failed", "9.000"),
            await RunAsync(project.Slug, "passed", "0.200"),
        };
        Assert.That(runs.Select(r => r.Status), Is.EqualTo(new[] { "success", "failed", "success" }), string.Join("\n", runs.Select(r => r.ToString())));
        Assert.That(runs.Select(r => r.CommitSha).Distinct(), Is.EqualTo(new[] { repository.HeadSha }), "every run is of the same commit");
        return (repository, project, runs);
    }

    [Test]
    public async Task A_test_that_passes_fails_and_passes_on_one_commit_is_flaky_and_a_test_that_always_passed_is_not()
    {
        var (_, project, runs) = await ThreeRunsOfOneCommitAsync();

        var flaky = await Client.GetJsonAsync($"/api/v1/projects/{project.Slug}/tests/flaky?runs=50");

        var items = flaky.Items().ToList();
        Assert.That(items.Select(i => i.Str("name")), Is.EqualTo(new[] { "fetchesStatus" }), flaky.ToString());
        var item = items[0];
        Assert.Multiple(() =>
        {
            Assert.That(item.Str("testId"), Is.EqualTo(TestingApi.TestId("unit", Suite, Suite, "fetchesStatus")));
            Assert.That(item.Str("jobName"), Is.EqualTo("unit"));
            Assert.That(item.Str("suite"), Is.EqualTo(Suite));
            Assert.That(item.Str("className"), Is.EqualTo(Suite));
            Assert.That(item.Bool("mixedOnSameCommit"), Is.True);
            Assert.That(item.Int("flips"), Is.EqualTo(2), "passed → failed → passed");
            Assert.That(item.Int("results"), Is.EqualTo(3));
            Assert.That(item.Num("flipRate"), Is.EqualTo(1.0).Within(0.0001), "2 flips over 3 - 1 results");
            Assert.That(item.Bool("markedFlaky"), Is.False);
            Assert.That(item.Str("lastStatus"), Is.EqualTo("passed"));
            Assert.That(item.GetProperty("lastSeen").GetDateTime(), Is.GreaterThanOrEqualTo(runs[2].CreatedAt.AddSeconds(-1)));
        });
    }

    [Test]
    public async Task A_tests_history_lists_its_results_newest_first_with_the_failure_message()
    {
        var (repository, project, runs) = await ThreeRunsOfOneCommitAsync();
        var testId = TestingApi.TestId("unit", Suite, Suite, "fetchesStatus");

        var history = await Client.GetJsonAsync($"/api/v1/projects/{project.Slug}/tests/{testId}/history?limit=20");

        var results = history.Items("results").ToList();
        var newestFirst = runs.OrderByDescending(r => r.Number).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(history.Str("testId"), Is.EqualTo(testId));
            Assert.That((history.Str("jobName"), history.Str("suite"), history.Str("className"), history.Str("name")),
                Is.EqualTo(("unit", Suite, Suite, "fetchesStatus")));
            Assert.That(results.Select(r => r.Str("runId")), Is.EqualTo(newestFirst.Select(r => r.Id.ToString())), "newest first");
            Assert.That(results.Select(r => r.GetProperty("runNumber").GetInt64()), Is.EqualTo(newestFirst.Select(r => r.Number)));
            Assert.That(results.Select(r => r.Str("status")), Is.EqualTo(new[] { "passed", "failed", "passed" }));
            Assert.That(results.Select(r => r.Str("commitSha")), Is.All.EqualTo(repository.HeadSha));
            Assert.That(results.Select(r => r.Str("branch")), Is.All.EqualTo("main"));
            Assert.That(results.Select(r => r.Str("jobId")), Is.EqualTo(newestFirst.Select(r => r.Job("unit").Id.ToString())));
            Assert.That(results.Select(r => r.Int("attempt")), Is.All.EqualTo(1));
            Assert.That(results.Select(r => r.Num("durationMs")), Is.All.EqualTo(120).Within(1));
            Assert.That(results[1].Str("message"), Does.Contain("expected: <200> but was: <503>"));
        });

        var limited = await Client.GetJsonAsync($"/api/v1/projects/{project.Slug}/tests/{testId}/history?limit=1");
        Assert.That(limited.Items("results").Select(r => r.Str("runId")), Is.EqualTo(new[] { runs[2].Id.ToString() }), "limit keeps the newest");

        using var unknown = await Client.GetAsync($"/api/v1/projects/{project.Slug}/tests/0123456789abcdef/history");
        await unknown.ReadProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task The_slowest_tests_are_ordered_by_their_median_duration_not_their_worst()
    {
        var (_, project, _) = await ThreeRunsOfOneCommitAsync();

        var slowest = await Client.GetJsonAsync($"/api/v1/projects/{project.Slug}/tests/slowest?limit=20&runs=50");

        var items = slowest.Items().ToList();
        // warmsCache once took 9 s but usually 0.1–0.2 s; bulkImport always takes 3 s.
        Assert.That(items.Select(i => i.Str("name")), Is.EqualTo(new[] { "bulkImport", "warmsCache", "fetchesStatus", "parsesBody" }), slowest.ToString());
        var warms = items[1];
        Assert.Multiple(() =>
        {
            Assert.That(items[0].Num("medianDurationMs"), Is.EqualTo(3000).Within(1));
            Assert.That(items[0].Num("maxDurationMs"), Is.EqualTo(3000).Within(1));
            Assert.That(warms.Str("testId"), Is.EqualTo(TestingApi.TestId("unit", Suite, Suite, "warmsCache")));
            Assert.That(warms.Str("jobName"), Is.EqualTo("unit"));
            Assert.That(warms.Num("medianDurationMs"), Is.EqualTo(200).Within(1));
            Assert.That(warms.Num("maxDurationMs"), Is.EqualTo(9000).Within(1));
            Assert.That(warms.Num("lastDurationMs"), Is.EqualTo(200).Within(1));
            Assert.That(warms.Int("results"), Is.EqualTo(3));
        });

        var top = await Client.GetJsonAsync($"/api/v1/projects/{project.Slug}/tests/slowest?limit=2");
        Assert.That(top.Items().Select(i => i.Str("name")), Is.EqualTo(new[] { "bulkImport", "warmsCache" }));
    }

    [Test]
    public async Task A_test_surefire_reran_after_a_flaky_failure_is_marked_flaky_though_it_passed()
    {
        const string suite = "com.example.RetryingClientTest";
        var (_, project) = await ProjectWithAsync("""
            jobs:
              verify:
                steps:
                  - name: mvn verify
                    run: mkdir -p target/surefire-reports && cp fixtures/TEST-com.example.RetryingClientTest.xml target/surefire-reports/
                reports:
                  junit: target/surefire-reports/TEST-*.xml
            """, new Dictionary<string, string>
        {
            // Surefire with rerunFailingTestsCount: the first try failed, the rerun passed.
            ["fixtures/TEST-com.example.RetryingClientTest.xml"] = """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/surefire-test-report-3.0.xsd" version="3.0" name="com.example.RetryingClientTest" time="1.204" tests="2" errors="0" skipped="0" failures="0" flakes="1">
                  <properties>
                    <property name="java.version" value="21.0.2"/>
                  </properties>
                  <testcase name="reconnects" classname="com.example.RetryingClientTest" time="0.802">
                    <flakyFailure message="Connection refused" type="java.net.ConnectException">
                      <stackTrace><![CDATA[java.net.ConnectException: Connection refused
                	at com.example.RetryingClientTest.reconnects(RetryingClientTest.java:31)]]></stackTrace>
                      <system-out><![CDATA[attempt 1]]></system-out>
                    </flakyFailure>
                  </testcase>
                  <testcase name="sendsHeaders" classname="com.example.RetryingClientTest" time="0.101"/>
                </testsuite>
                """,
        });

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var tests = await Client.RunTestsAsync(run.Id);
        var totals = tests.GetProperty("totals");
        var reconnects = tests.Items("cases").Single(c => c.Str("name") == "reconnects");
        Assert.Multiple(() =>
        {
            Assert.That((totals.Int("tests"), totals.Int("passed"), totals.Int("failed"), totals.Int("flaky")), Is.EqualTo((2, 2, 0, 1)));
            Assert.That(reconnects.Str("status"), Is.EqualTo("passed"), "the rerun passed");
            Assert.That(reconnects.Bool("flaky"), Is.True);
        });

        var flaky = await Client.GetJsonAsync($"/api/v1/projects/{project.Slug}/tests/flaky");
        var item = flaky.Items().Single();
        Assert.Multiple(() =>
        {
            Assert.That(item.Str("testId"), Is.EqualTo(TestingApi.TestId("verify", suite, suite, "reconnects")));
            Assert.That(item.Bool("markedFlaky"), Is.True);
            Assert.That(item.Bool("mixedOnSameCommit"), Is.False, "one run, one result");
            Assert.That(item.Int("flips"), Is.Zero);
            Assert.That(item.Int("results"), Is.EqualTo(1));
            Assert.That(item.Str("lastStatus"), Is.EqualTo("passed"));
        });
    }
}
