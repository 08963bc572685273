using System.Net;
using System.Text.Json;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Testing;

/// <summary>
/// Test reports and coverage from a job: a real pytest run under coverage.py (the Debian packages, /usr/bin/python3),
/// read back through /runs/{id}/tests, /runs/{id}/coverage and the project's coverage trend; broken, missing and hostile
/// reports become job warnings and never break the run.
/// </summary>
public sealed class TestReportTests : PipelineTestBase
{
    private const string Python = "/usr/bin/python3";

    /// <summary>A small package: add, divide (integer division, so one test fails), clamp.</summary>
    private static readonly Dictionary<string, string> PythonProject = new()
    {
        [".coveragerc"] = "[run]\nsource = .\nomit = tests/*\nbranch = True\n",
        ["calc/__init__.py"] = "from .core import add, divide, clamp\n",
        ["calc/core.py"] = """
            def add(a, b):
                return a + b


            def divide(a, b):
                if b == 0:
                    raise ZeroDivisionError("division by zero")
                return a // b


            def clamp(value, low, high):
                if value < low:
                    return low
                if value > high:
                    return high
                return value

            """,
        ["tests/test_core.py"] = """
            import pytest

            from calc import add, clamp, divide


            def test_add():
                assert add(2, 3) == 5


            def test_divide():
                result = divide(9, 2)
                assert result == 4.5, f"divide(9, 2) should be 4.5 but was {result}"


            @pytest.mark.skip(reason="clamping floats is not supported yet")
            def test_clamp_floats():
                assert clamp(0.5, 0, 1) == 0.5


            def test_größe_über_maß():
                assert clamp(15, 0, 10) == 10

            """,
    };

    private const string PytestWithCoverage = $$"""
        jobs:
          test:
            steps:
              - run: {{Python}} -m coverage run --branch -m pytest -p no:cacheprovider --junitxml=reports/junit.xml || true
              - run: {{Python}} -m coverage xml -o coverage.xml
            reports:
              junit: reports/*.xml
              coverage: [coverage.xml]
        """;

    [Test]
    public async Task A_pytest_run_under_coverage_shows_its_cases_failed_first_its_coverage_and_a_point_on_the_trend()
    {
        var (repository, project) = await ProjectWithAsync(PytestWithCoverage, PythonProject);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var job = run.Job("test");
        Assert.That(await Client.JobWarningsAsync(run.Id, "test"), Is.Empty, "both reports were found and read");

        var tests = await Client.RunTestsAsync(run.Id);
        var totals = tests.GetProperty("totals");
        Assert.Multiple(() =>
        {
            Assert.That(tests.Str("runId"), Is.EqualTo(run.Id.ToString()));
            Assert.That((totals.Int("tests"), totals.Int("passed"), totals.Int("failed"), totals.Int("errors"), totals.Int("skipped"), totals.Int("flaky")),
                Is.EqualTo((4, 2, 1, 0, 1, 0)), totals.ToString());
            Assert.That(totals.Num("durationMs"), Is.GreaterThanOrEqualTo(0));
            Assert.That(tests.Bool("truncated"), Is.False);
        });

        var reportedJob = tests.Items("jobs").Single();
        Assert.Multiple(() =>
        {
            Assert.That(reportedJob.Str("jobId"), Is.EqualTo(job.Id.ToString()));
            Assert.That(reportedJob.Str("jobName"), Is.EqualTo("test"));
            Assert.That(reportedJob.Int("attempt"), Is.EqualTo(1));
            Assert.That(reportedJob.GetProperty("totals").Int("tests"), Is.EqualTo(4));
            var suite = reportedJob.Items("suites").Single();
            Assert.That((suite.Str("name"), suite.Int("tests"), suite.Int("failures"), suite.Int("errors"), suite.Int("skipped")),
                Is.EqualTo(("pytest", 4, 1, 0, 1)), "pytest names its one suite 'pytest'");
        });

        var cases = tests.Items("cases").ToList();
        Assert.That(cases, Has.Count.EqualTo(4));
        var failed = cases[0];
        Assert.Multiple(() =>
        {
            Assert.That(failed.Str("name"), Is.EqualTo("test_divide"), "the failed case comes first");
            Assert.That(failed.Str("status"), Is.EqualTo("failed"));
            Assert.That(failed.Str("className"), Is.EqualTo("tests.test_core"));
            Assert.That(failed.Str("suite"), Is.EqualTo("pytest"));
            Assert.That(failed.Str("jobName"), Is.EqualTo("test"));
            Assert.That(failed.Str("jobId"), Is.EqualTo(job.Id.ToString()));
            Assert.That(failed.Int("attempt"), Is.EqualTo(1));
            Assert.That(failed.Str("message"), Does.Contain("divide(9, 2) should be 4.5 but was 4"));
            Assert.That(failed.Str("details"), Does.Contain("assert result == 4.5"), "the traceback pytest wrote");
            Assert.That(failed.Bool("flaky"), Is.False);
            Assert.That(failed.Str("testId"), Is.EqualTo(TestingApi.TestId("test", "pytest", "tests.test_core", "test_divide")));
        });
        var byName = cases.ToDictionary(c => c.Str("name"));
        Assert.Multiple(() =>
        {
            Assert.That(byName.Keys, Is.EquivalentTo(new[] { "test_divide", "test_add", "test_clamp_floats", "test_größe_über_maß" }),
                "a unicode test name survives the round trip");
            Assert.That(byName["test_add"].Str("status"), Is.EqualTo("passed"));
            Assert.That(byName["test_größe_über_maß"].Str("status"), Is.EqualTo("passed"));
            Assert.That(byName["test_größe_über_maß"].Str("testId"),
                Is.EqualTo(TestingApi.TestId("test", "pytest", "tests.test_core", "test_größe_über_maß")));
            Assert.That(byName["test_clamp_floats"].Str("status"), Is.EqualTo("skipped"));
            Assert.That(byName["test_clamp_floats"].Str("message"), Does.Contain("clamping floats is not supported yet"));
        });

        var first = await Client.GetJsonAsync($"/api/v1/runs/{run.Id}/tests?limit=1");
        Assert.Multiple(() =>
        {
            Assert.That(first.Items("cases").Select(c => c.Str("name")), Is.EqualTo(new[] { "test_divide" }), "a limit keeps the failures");
            Assert.That(first.Bool("truncated"), Is.True);
            Assert.That(first.GetProperty("totals").Int("tests"), Is.EqualTo(4), "totals count every case, not the ones shown");
        });

        // coverage.py's own numbers for this code and these tests: 10 of 13 lines, 3 of 6 branches; core.py 9 of 12 lines.
        var coverage = await Client.RunCoverageAsync(run.Id);
        Assert.Multiple(() =>
        {
            Assert.That(coverage.Str("runId"), Is.EqualTo(run.Id.ToString()));
            Assert.That(coverage.Num("lineRate"), Is.GreaterThan(0).And.LessThan(1));
            Assert.That(coverage.Num("lineRate"), Is.EqualTo(10.0 / 13).Within(0.001));
            Assert.That(coverage.Num("branchRate"), Is.EqualTo(0.5).Within(0.001));
            Assert.That((coverage.Int("linesCovered"), coverage.Int("linesValid"), coverage.Int("branchesCovered"), coverage.Int("branchesValid")),
                Is.EqualTo((10, 13, 3, 6)));
        });
        var coverageJob = coverage.Items("jobs").Single();
        Assert.That(coverageJob.Str("jobId"), Is.EqualTo(job.Id.ToString()));
        var files = coverageJob.Items("files").ToList();
        var core = files.SingleOrDefault(f => f.Str("path").EndsWith("calc/core.py", StringComparison.Ordinal));
        Assert.That(core.ValueKind, Is.EqualTo(JsonValueKind.Object), $"no file entry for calc/core.py: {string.Join(", ", files.Select(f => f.Str("path")))}");
        Assert.Multiple(() =>
        {
            Assert.That((core.Int("linesCovered"), core.Int("linesValid")), Is.EqualTo((9, 12)));
            Assert.That(core.Num("lineRate"), Is.EqualTo(0.75).Within(0.001));
            Assert.That(files.Select(f => f.Str("path")), Has.None.Contains("tests/"), "the .coveragerc left the tests out");
        });

        var trend = await Client.GetJsonAsync($"/api/v1/projects/{project.Slug}/coverage");
        Assert.That(trend.Str("branch"), Is.EqualTo("main"), "the default branch when none is asked for");
        var point = trend.Items("points").Single();
        Assert.Multiple(() =>
        {
            Assert.That(point.Str("runId"), Is.EqualTo(run.Id.ToString()));
            Assert.That(point.GetProperty("runNumber").GetInt64(), Is.EqualTo(run.Number));
            Assert.That(point.Str("commitSha"), Is.EqualTo(repository.HeadSha));
            Assert.That(point.Num("lineRate"), Is.EqualTo(10.0 / 13).Within(0.001));
            Assert.That(point.Num("branchRate"), Is.EqualTo(0.5).Within(0.001));
        });
    }

    [Test]
    public async Task The_coverage_trend_lists_runs_of_the_branch_oldest_first_as_coverage_grows()
    {
        var (repository, project) = await ProjectWithAsync(PytestWithCoverage, PythonProject);
        var first = await Client.TriggerAndWaitAsync(project.Slug);
        var firstSha = repository.HeadSha;
        // A test for division by zero covers the raise and the branch to it.
        repository.Commit(new Dictionary<string, string>
        {
            ["tests/test_zero.py"] = "import pytest\n\nfrom calc import divide\n\n\ndef test_divide_by_zero():\n    with pytest.raises(ZeroDivisionError):\n        divide(1, 0)\n",
        }, "Test division by zero");
        var second = await Client.TriggerAndWaitAsync(project.Slug);

        var trend = await Client.GetJsonAsync($"/api/v1/projects/{project.Slug}/coverage?branch=main&limit=30");

        Assert.That(first.Status, Is.EqualTo("success"), first.ToString());
        Assert.That(second.Status, Is.EqualTo("success"), second.ToString());
        var points = trend.Items("points").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(points.Select(p => p.Str("runId")), Is.EqualTo(new[] { first.Id.ToString(), second.Id.ToString() }), "oldest first");
            Assert.That(points.Select(p => p.Str("commitSha")), Is.EqualTo(new[] { firstSha, repository.HeadSha }));
            Assert.That(points[0].Num("lineRate"), Is.EqualTo(10.0 / 13).Within(0.001));
            Assert.That(points[1].Num("lineRate"), Is.EqualTo(11.0 / 13).Within(0.001));
        });
        var latest = await Client.GetJsonAsync($"/api/v1/projects/{project.Slug}/coverage?limit=1");
        Assert.That(latest.Items("points").Select(p => p.Str("runId")), Is.EqualTo(new[] { second.Id.ToString() }), "a limit keeps the latest runs");
        var otherBranch = await Client.GetJsonAsync($"/api/v1/projects/{project.Slug}/coverage?branch=feature/none");
        Assert.That(otherBranch.Items("points"), Is.Empty, "a branch without runs has no points");
    }

    [Test]
    public async Task A_job_whose_tests_fail_stays_failed_and_still_stores_its_report()
    {
        var (_, project) = await ProjectWithAsync($$"""
            jobs:
              test:
                steps:
                  - run: {{Python}} -m pytest -p no:cacheprovider --junitxml=reports/junit.xml
                  - run: echo never runs
                reports:
                  junit: [reports/junit.xml]
            """, PythonProject);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        var job = run.Job("test");
        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo("failed"), run.ToString());
            Assert.That(job.Status, Is.EqualTo("failed"));
            Assert.That(job.Steps.Select(s => (s.Status, s.ExitCode)), Is.EqualTo(new (string, int?)[] { ("failed", 1), ("skipped", null) }),
                "pytest exits 1 when a test fails");
        });
        var tests = await Client.RunTestsAsync(run.Id);
        var totals = tests.GetProperty("totals");
        Assert.Multiple(() =>
        {
            Assert.That((totals.Int("tests"), totals.Int("passed"), totals.Int("failed"), totals.Int("skipped")), Is.EqualTo((4, 2, 1, 1)));
            Assert.That(tests.Items("jobs").Single().Str("jobId"), Is.EqualTo(job.Id.ToString()));
            Assert.That(tests.Items("cases").First().Str("name"), Is.EqualTo("test_divide"));
        });
        using var coverage = await Client.GetAsync($"/api/v1/runs/{run.Id}/coverage");
        Assert.That(coverage.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "a run without a coverage report has no coverage");
    }

    [Test]
    public async Task A_report_glob_that_matches_nothing_and_broken_reports_become_job_warnings_and_the_run_still_succeeds()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              forgetful:
                steps:
                  - run: echo "the tests wrote no report"
                reports:
                  junit: ["reports/*.xml"]
                  coverage: coverage.xml
              broken:
                steps:
                  - run: |
                      mkdir -p reports
                      printf '<testsuite name="cut"><testcase classname="app.Cut" name="kept" time="0.1"/><testcase classname="app.Cut" name="cut off' > reports/broken.xml
                      printf '<coverage line-rate="0.5" lines-valid="2"><packages><package name="x"' > coverage.xml
                reports:
                  junit: ["reports/*.xml"]
                  coverage: coverage.xml
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
            Assert.That(run.Job("forgetful").Status, Is.EqualTo("success"));
            Assert.That(run.Job("broken").Status, Is.EqualTo("success"));
        });
        var forgetful = await Client.JobWarningsAsync(run.Id, "forgetful");
        var broken = await Client.JobWarningsAsync(run.Id, "broken");
        Assert.Multiple(() =>
        {
            Assert.That(forgetful, Has.Some.Contains("reports/*.xml"), "the glob that matched nothing is named");
            Assert.That(forgetful, Has.Some.Contains("coverage.xml"));
            Assert.That(broken, Has.Some.Contains("broken.xml"), "the malformed test report is named");
            Assert.That(broken, Has.Some.Contains("coverage.xml"), "the malformed coverage report is named");
        });
        var tests = await Client.RunTestsAsync(run.Id);
        Assert.That(tests.Items("cases").Select(c => c.Str("name")), Does.Contain("kept"), "what was read before the break is kept");
    }

    [Test]
    public async Task A_report_with_an_external_entity_or_entity_expansion_is_refused_with_a_warning_and_leaks_nothing()
    {
        using var scratch = new TempDirectory("comet-xxe");
        var secretFile = Path.Combine(scratch.Path, "secret.txt");
        var secret = "comet-secret-" + Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(secretFile, secret + "\n");
        var (_, project) = await ProjectWithAsync("""
            jobs:
              sneaky:
                steps:
                  - run: |
                      mkdir -p reports
                      cat > reports/good.xml <<'EOF'
                      <testsuite name="good"><testcase classname="app.Good" name="works" time="0.1"/></testsuite>
                      EOF
                      cat > reports/xxe.xml <<EOF
                      <?xml version="1.0"?>
                      <!DOCTYPE testsuite [
                        <!ENTITY secret SYSTEM "file://$SECRET_FILE">
                        <!ENTITY passwd SYSTEM "file:///etc/passwd">
                      ]>
                      <testsuite name="xxe"><testcase classname="app.Leak" name="&secret;"><failure message="&passwd;">&secret; &passwd;</failure></testcase></testsuite>
                      EOF
                      cat > reports/lol.xml <<'EOF'
                      <?xml version="1.0"?>
                      <!DOCTYPE testsuite [
                        <!ENTITY lol "lol">
                        <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
                        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
                        <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
                        <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
                        <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
                        <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
                        <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
                        <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
                      ]>
                      <testsuite name="lol"><testcase classname="app.Lol" name="&lol9;"/></testsuite>
                      EOF
                      grep -c ENTITY reports/xxe.xml reports/lol.xml
                reports:
                  junit: ["reports/*.xml"]
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug, new Dictionary<string, string> { ["SECRET_FILE"] = secretFile });

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("sneaky"))),
            Is.SupersetOf(new[] { "reports/xxe.xml:2", "reports/lol.xml:9" }), "the step wrote both hostile reports");
        var warnings = await Client.JobWarningsAsync(run.Id, "sneaky");
        Assert.Multiple(() =>
        {
            Assert.That(warnings, Has.Some.Contains("xxe.xml"));
            Assert.That(warnings, Has.Some.Contains("lol.xml"));
            Assert.That(warnings, Has.None.Contains("good.xml"));
        });
        using var testsResponse = await Client.GetAsync($"/api/v1/runs/{run.Id}/tests?limit=1000");
        var testsText = await testsResponse.Content.ReadAsStringAsync();
        using var runResponse = await Client.GetAsync($"/api/v1/runs/{run.Id}");
        var runText = await runResponse.Content.ReadAsStringAsync();
        Assert.Multiple(() =>
        {
            Assert.That(testsResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK), testsText);
            Assert.That(testsText, Does.Contain("works"), "the good report next to the hostile ones was read");
            Assert.That(testsText, Does.Not.Contain(secret), "the external entity was not resolved");
            Assert.That(testsText, Does.Not.Contain("root:"), "/etc/passwd was not read");
            Assert.That(testsText, Does.Not.Contain("lollollol"), "the entities were not expanded");
            Assert.That(runText, Does.Not.Contain(secret));
            Assert.That(runText, Does.Not.Contain("root:"));
        });
    }

    [Test]
    public async Task A_retried_job_counts_its_last_attempt_in_the_run_totals_lists_both_attempts_and_makes_the_test_flaky()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              unit:
                retry: 1
                steps:
                  - run: |
                      n=$COMET_JOB_ATTEMPT
                      if [ "$n" = 1 ]; then result='<failure message="timed out after 5 s">TimeoutError</failure>'; else result=''; fi
                      mkdir -p reports
                      cat > reports/junit.xml <<EOF
                      <testsuites>
                        <testsuite name="net" tests="2">
                          <testcase classname="net.Client" name="connects" time="0.2">$result</testcase>
                          <testcase classname="net.Client" name="closes" time="0.1"/>
                        </testsuite>
                      </testsuites>
                      EOF
                      test "$n" -ge 2
                reports:
                  junit: reports/junit.xml
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        Assert.That(run.Attempts("unit").Select(a => a.Status), Is.EqualTo(new[] { "failed", "success" }));
        var tests = await Client.RunTestsAsync(run.Id);
        var totals = tests.GetProperty("totals");
        // One definition of flaky for the run's totals, its cases and the project's flaky list: a test that failed on one
        // attempt of its job and passed on a later attempt in the same run is flaky in all three.
        Assert.Multiple(() =>
        {
            Assert.That((totals.Int("tests"), totals.Int("passed"), totals.Int("failed")), Is.EqualTo((2, 2, 0)), "the run counts the last attempt");
            Assert.That(totals.Int("flaky"), Is.EqualTo(1), "the run's totals count the pass on the retry as flaky");
            Assert.That(tests.Items("jobs").Select(j => (j.Str("jobName"), j.Int("attempt"), j.GetProperty("totals").Int("failed"), j.GetProperty("totals").Int("flaky"))),
                Is.EqualTo(new[] { ("unit", 1, 1, 0), ("unit", 2, 0, 1) }), "every attempt that reported is listed; the attempt that passed holds the flaky result");
            var failed = tests.Items("cases").First();
            Assert.That((failed.Str("name"), failed.Str("status"), failed.Int("attempt")), Is.EqualTo(("connects", "failed", 1)));
            var cases = tests.Items("cases").Select(c => (c.Str("name"), c.Int("attempt"), c.Bool("flaky"))).ToList();
            Assert.That(cases, Does.Contain(("connects", 2, true)), "the pass on the retry");
            Assert.That(cases, Does.Contain(("connects", 1, false)).And.Contain(("closes", 2, false)), "a failure, and a test that always passed, are not");
        });

        var testId = TestingApi.TestId("unit", "net", "net.Client", "connects");
        var history = await Client.GetJsonAsync($"/api/v1/projects/{project.Slug}/tests/{testId}/history");
        Assert.That(history.Items("results").Select(r => (r.Str("runId"), r.Int("attempt"), r.Str("status"))),
            Is.EqualTo(new[] { (run.Id.ToString(), 2, "passed"), (run.Id.ToString(), 1, "failed") }), "newest first");
        var flaky = (await Client.GetJsonAsync($"/api/v1/projects/{project.Slug}/tests/flaky")).Items().ToList();
        Assert.That(flaky.Select(f => f.Str("testId")), Is.EqualTo(new[] { testId }), "a retry that passed on the same commit; the same test as the run's flaky case");
        Assert.Multiple(() =>
        {
            Assert.That(flaky[0].Bool("mixedOnSameCommit"), Is.True);
            Assert.That(flaky[0].Bool("passedOnRetry"), Is.True);
        });
    }

    [Test]
    public async Task Each_matrix_leg_reports_its_own_tests_with_its_own_test_ids()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              test:
                matrix:
                  PY: ["3.11", "3.12"]
                steps:
                  - run: |
                      mkdir -p reports
                      cat > reports/junit.xml <<'EOF'
                      <testsuite name="pytest"><testcase classname="tests.test_app" name="test_runs" time="0.3"/></testsuite>
                      EOF
                reports:
                  junit: reports/junit.xml
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var tests = await Client.RunTestsAsync(run.Id);
        var legs = new[] { "test [PY=3.11]", "test [PY=3.12]" };
        Assert.Multiple(() =>
        {
            Assert.That(tests.GetProperty("totals").Int("tests"), Is.EqualTo(2));
            Assert.That(tests.Items("jobs").Select(j => j.Str("jobName")), Is.EquivalentTo(legs));
            Assert.That(tests.Items("cases").Select(c => (c.Str("jobName"), c.Str("testId"))),
                Is.EquivalentTo(legs.Select(leg => (leg, TestingApi.TestId(leg, "pytest", "tests.test_app", "test_runs")))));
        });
        foreach (var leg in legs)
        {
            var history = await Client.GetJsonAsync($"/api/v1/projects/{project.Slug}/tests/{TestingApi.TestId(leg, "pytest", "tests.test_app", "test_runs")}/history");
            Assert.That(history.Str("jobName"), Is.EqualTo(leg));
            Assert.That(history.Items("results").Single().Str("jobId"), Is.EqualTo(run.Job(leg).Id.ToString()));
        }
    }

    [Test]
    public async Task NUnit_3_and_TRX_results_are_recognised_by_their_root_element_and_counted_with_junit()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              dotnet:
                steps:
                  - run: mkdir -p TestResults && cp fixtures/* TestResults/
                reports:
                  junit: ["TestResults/*"]
            """, new Dictionary<string, string>
        {
            ["fixtures/nunit.xml"] = """
                <?xml version="1.0" encoding="utf-8" standalone="no"?>
                <test-run id="0" testcasecount="2" result="Failed" total="2" passed="1" failed="1" inconclusive="0" skipped="0" duration="0.31">
                  <test-suite type="Assembly" id="1-1003" name="Shop.Tests.dll" fullname="/src/Shop.Tests/bin/Shop.Tests.dll" total="2" passed="1" failed="1">
                    <test-suite type="TestFixture" id="1-1000" name="CartTests" fullname="Shop.Tests.CartTests" classname="Shop.Tests.CartTests" total="2">
                      <test-case id="1-1001" name="Adds_an_item" fullname="Shop.Tests.CartTests.Adds_an_item" methodname="Adds_an_item" classname="Shop.Tests.CartTests" runstate="Runnable" result="Passed" duration="0.012" asserts="1"/>
                      <test-case id="1-1002" name="Totals_with_tax" fullname="Shop.Tests.CartTests.Totals_with_tax" methodname="Totals_with_tax" classname="Shop.Tests.CartTests" runstate="Runnable" result="Failed" duration="0.3" asserts="1">
                        <failure>
                          <message><![CDATA[  Expected: 11.9m
                  But was:  10m
                ]]></message>
                          <stack-trace><![CDATA[   at Shop.Tests.CartTests.Totals_with_tax() in /src/Shop.Tests/CartTests.cs:line 21]]></stack-trace>
                        </failure>
                      </test-case>
                    </test-suite>
                  </test-suite>
                </test-run>
                """,
            ["fixtures/results.trx"] = """
                <?xml version="1.0" encoding="utf-8"?>
                <TestRun id="6f0d2c49-1d2e-4c1b-9a55-5d1f1bb0c001" name="ci@runner 2026-11-22 08:00:00" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
                  <Results>
                    <UnitTestResult executionId="a1" testId="b1" testName="Parses_an_order" computerName="runner" duration="00:00:00.0500000" outcome="Passed" testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d"/>
                    <UnitTestResult executionId="a2" testId="b2" testName="Ignores_a_draft" computerName="runner" duration="00:00:00" outcome="NotExecuted" testType="13cdc9d9-ddb5-4fa4-a97d-d965ccfc6d4b" testListId="8c84fa94-04c1-424b-9868-57a2d4851a1d"/>
                  </Results>
                  <TestDefinitions>
                    <UnitTest name="Parses_an_order" id="b1"><TestMethod codeBase="Shop.Tests.dll" className="Shop.Tests.OrderTests" name="Parses_an_order"/></UnitTest>
                    <UnitTest name="Ignores_a_draft" id="b2"><TestMethod codeBase="Shop.Tests.dll" className="Shop.Tests.OrderTests" name="Ignores_a_draft"/></UnitTest>
                  </TestDefinitions>
                </TestRun>
                """,
        });

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        Assert.That(await Client.JobWarningsAsync(run.Id, "dotnet"), Is.Empty);
        var tests = await Client.RunTestsAsync(run.Id);
        var totals = tests.GetProperty("totals");
        var cases = tests.Items("cases").ToList();
        Assert.Multiple(() =>
        {
            Assert.That((totals.Int("tests"), totals.Int("passed"), totals.Int("failed"), totals.Int("skipped")), Is.EqualTo((4, 2, 1, 1)));
            Assert.That(cases[0].Str("name"), Is.EqualTo("Totals_with_tax"));
            Assert.That(cases[0].Str("className"), Is.EqualTo("Shop.Tests.CartTests"));
            Assert.That(cases[0].Str("message"), Does.Contain("Expected: 11.9m"));
            Assert.That(cases.Single(c => c.Str("name") == "Parses_an_order").Str("className"), Is.EqualTo("Shop.Tests.OrderTests"));
            Assert.That(cases.Single(c => c.Str("name") == "Ignores_a_draft").Str("status"), Is.EqualTo("skipped"));
        });
    }

    [Test]
    public async Task Coverage_without_branches_has_a_null_branch_rate_and_two_jobs_add_up_in_the_run()
    {
        static string Cobertura(int covered, int valid) => $$"""
            <?xml version="1.0" ?>
            <coverage version="6.5.0" timestamp="0" lines-valid="{{valid}}" lines-covered="{{covered}}" line-rate="{{(double)covered / valid:0.####}}" branches-valid="0" branches-covered="0" branch-rate="0" complexity="0">
              <packages><package name="app" line-rate="0" branch-rate="0" complexity="0"><classes>
                <class name="m.py" filename="app/m.py" line-rate="0" branch-rate="0" complexity="0"><methods/><lines>
            {{string.Concat(Enumerable.Range(1, valid).Select(i => $"      <line number=\"{i}\" hits=\"{(i <= covered ? 1 : 0)}\"/>\n"))}}    </lines></class>
              </classes></package></packages>
            </coverage>
            """;
        var (_, project) = await ProjectWithAsync("""
            jobs:
              unit:
                steps:
                  - run: cp fixtures/unit.xml coverage.xml
                reports:
                  coverage: coverage.xml
              integration:
                steps:
                  - run: cp fixtures/integration.xml coverage.xml
                reports:
                  coverage: coverage.xml
            """, new Dictionary<string, string>
        {
            ["fixtures/unit.xml"] = Cobertura(covered: 3, valid: 4),
            ["fixtures/integration.xml"] = Cobertura(covered: 1, valid: 4),
        });

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var coverage = await Client.RunCoverageAsync(run.Id);
        Assert.Multiple(() =>
        {
            Assert.That((coverage.Int("linesCovered"), coverage.Int("linesValid")), Is.EqualTo((4, 8)));
            Assert.That(coverage.Num("lineRate"), Is.EqualTo(0.5).Within(0.001));
            Assert.That(coverage.GetProperty("branchRate").ValueKind, Is.EqualTo(JsonValueKind.Null), "no branch was valid: no rate, not 0");
            Assert.That(coverage.Items("jobs").Select(j => (j.Str("jobName"), j.Num("lineRate"))),
                Is.EquivalentTo(new[] { ("integration", 0.25), ("unit", 0.75) }));
        });
    }
}
