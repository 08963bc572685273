using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Testing;

/// <summary>
/// One definition of flaky for a run's totals, its cases and the project's flaky list: a test that failed on one attempt
/// of its job and passed on a later attempt in the same run is flaky in all three (it used to be flaky in the list and
/// flaky: 0 in the run's totals).
/// </summary>
public sealed class FlakyDefinitionTests : PipelineTestBase
{
    [Test]
    public async Task A_test_that_passes_on_the_jobs_retry_is_flaky_in_the_run_totals_its_case_and_the_projects_flaky_list()
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

        Assert.That(run.Attempts("unit").Select(a => a.Status), Is.EqualTo(new[] { "failed", "success" }), run.ToString());
        var tests = await Client.RunTestsAsync(run.Id);
        var testId = TestingApi.TestId("unit", "net", "net.Client", "connects");
        var flakyList = (await Client.GetJsonAsync($"/api/v1/projects/{project.Slug}/tests/flaky")).Items().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(tests.GetProperty("totals").Int("flaky"), Is.EqualTo(1), "the run's totals");
            Assert.That(tests.Items("jobs").Select(j => (j.Int("attempt"), j.GetProperty("totals").Int("flaky"))), Is.EqualTo(new[] { (1, 0), (2, 1) }),
                "the attempt that passed holds the flaky result");
            var cases = tests.Items("cases").Select(c => (c.Str("name"), c.Int("attempt"), c.Bool("flaky"))).ToList();
            Assert.That(cases, Does.Contain(("connects", 2, true)), "the pass on the retry");
            Assert.That(cases, Does.Contain(("connects", 1, false)).And.Contain(("closes", 2, false)), "a failure, and a test that always passed, are not");
            Assert.That(flakyList.Select(f => f.Str("testId")), Is.EqualTo(new[] { testId }), "the project's list names the same test");
            Assert.That(flakyList[0].Bool("passedOnRetry"), Is.True);
        });
    }
}
