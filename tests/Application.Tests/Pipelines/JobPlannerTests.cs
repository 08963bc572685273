using Comet.Application.Pipelines;
using static Comet.Application.Tests.Pipelines.PipelineTestSupport;

namespace Comet.Application.Tests.Pipelines;

public sealed class JobPlannerTests
{
    private static IReadOnlyList<PlannedJob> Plan(string yaml) => JobPlanner.Plan(ParseValid(yaml));

    [Test]
    public void Matrix_of_two_by_three_makes_six_legs_named_in_file_key_order_first_key_slowest()
    {
        var planned = Plan("""
            jobs:
              test:
                matrix:
                  OS: [linux, windows]
                  SUITE: [unit, integration, e2e]
                steps: [./test.sh $OS $SUITE]
            """);

        Assert.That(planned.Select(j => j.Name), Is.EqualTo(new[]
        {
            "test [OS=linux, SUITE=unit]",
            "test [OS=linux, SUITE=integration]",
            "test [OS=linux, SUITE=e2e]",
            "test [OS=windows, SUITE=unit]",
            "test [OS=windows, SUITE=integration]",
            "test [OS=windows, SUITE=e2e]",
        }));
        Assert.That(planned.Select(j => j.BaseName).Distinct(), Is.EqualTo(new[] { "test" }));
        Assert.That(planned[4].MatrixValues, Is.EqualTo(new Dictionary<string, string> { ["OS"] = "windows", ["SUITE"] = "integration" }));
        Assert.That(planned[4].MatrixValues.Keys, Is.EqualTo(new[] { "OS", "SUITE" }));
    }

    [Test]
    public void Leg_names_follow_the_key_order_written_in_the_file()
    {
        var planned = Plan("""
            jobs:
              test:
                matrix: { SUITE: [unit], OS: [linux] }
                steps: [x]
            """);

        Assert.That(planned.Single().Name, Is.EqualTo("test [SUITE=unit, OS=linux]"));
    }

    [Test]
    public void Jobs_without_matrix_keep_their_name_and_plan_in_file_order()
    {
        var planned = Plan("""
            jobs:
              lint: { steps: [x] }
              build: { steps: [x] }
              docs: { steps: [x] }
            """);

        Assert.That(planned.Select(j => j.Name), Is.EqualTo(new[] { "lint", "build", "docs" }));
        Assert.That(planned.Select(j => j.Name), Is.EqualTo(planned.Select(j => j.BaseName)));
        Assert.That(planned.All(j => j.MatrixValues.Count == 0 && j.Needs.Count == 0), Is.True);
    }

    [Test]
    public void Needs_on_a_matrix_base_name_means_every_leg()
    {
        var planned = Plan(DesignSample);

        Assert.That(planned.Select(j => (j.Name, j.Needs)), Is.EqualTo(new (string, IReadOnlyList<string>)[]
        {
            ("build", []),
            ("test [SUITE=unit]", ["build"]),
            ("test [SUITE=integration]", ["build"]),
            ("deploy", ["test [SUITE=unit]", "test [SUITE=integration]"]),
        }));
    }

    [Test]
    public void Needs_on_one_leg_waits_only_for_that_leg()
    {
        var planned = Plan("""
            jobs:
              test:
                matrix: { SUITE: [unit, e2e] }
                steps: [x]
              report:
                needs: ["test [SUITE=unit]"]
                steps: [x]
            """);

        Assert.That(planned.Single(j => j.Name == "report").Needs, Is.EqualTo(new[] { "test [SUITE=unit]" }));
    }

    [Test]
    public void Stages_become_needs_on_every_job_of_the_previous_stage()
    {
        var planned = Plan("""
            stages: [build, test, deploy]
            jobs:
              compile: { stage: build, steps: [make] }
              lint: { stage: build, steps: [make lint] }
              unit:
                stage: test
                matrix: { OS: [linux, mac] }
                steps: [make test]
              ship: { stage: deploy, steps: [./ship.sh] }
            """);

        Assert.That(planned.Select(j => (j.Name, j.Needs)), Is.EqualTo(new (string, IReadOnlyList<string>)[]
        {
            ("compile", []),
            ("lint", []),
            ("unit [OS=linux]", ["compile", "lint"]),
            ("unit [OS=mac]", ["compile", "lint"]),
            ("ship", ["unit [OS=linux]", "unit [OS=mac]"]),
        }));
    }

    [Test]
    public void Stage_without_jobs_is_skipped_so_the_next_stage_waits_for_the_one_before()
    {
        var planned = Plan("""
            stages: [build, test, deploy]
            jobs:
              ship: { stage: deploy, steps: [./ship.sh] }
              compile: { stage: build, steps: [make] }
            """);

        Assert.That(planned.Select(j => (j.Name, j.Needs)), Is.EqualTo(new (string, IReadOnlyList<string>)[]
        {
            ("ship", ["compile"]),
            ("compile", []),
        }));
    }

    [Test]
    public void Matrix_of_exactly_256_legs_plans_256_distinct_jobs()
    {
        var values = string.Join(", ", Enumerable.Range(0, 16));
        var planned = Plan($"jobs:\n  t:\n    matrix:\n      A: [{values}]\n      B: [{values}]\n    steps: [x]\n");

        Assert.That(planned, Has.Count.EqualTo(256));
        Assert.That(planned.Select(j => j.Name).Distinct().Count(), Is.EqualTo(256));
        Assert.That(planned[^1].Name, Is.EqualTo("t [A=15, B=15]"));
    }

    [Test]
    public void Job_named_like_a_matrix_leg_of_another_job_is_a_lint_error()
    {
        Assert.That(Errors("""
            jobs:
              test:
                matrix: { SUITE: [unit] }
                steps: [x]
              "test [SUITE=unit]":
                steps: [y]
            """), Is.EqualTo(new[]
        {
            Error(5, 3, "job 'test [SUITE=unit]' makes a job named 'test [SUITE=unit]', which job 'test' makes too; rename one of them"),
        }));
    }

    [Test]
    public void Planning_a_hand_made_pipeline_with_an_unknown_need_throws_with_the_names()
    {
        var job = new JobDefinition("deploy", [new StepDefinition("x", "x", new Dictionary<string, string>(), null, false)],
            ["nowhere"], null, [], null, 0, false, null, new Dictionary<string, string>(), []);

        var error = Assert.Throws<InvalidOperationException>(() => JobPlanner.Plan(new PipelineDefinition([], new Dictionary<string, string>(), [], [job])));

        Assert.That(error!.Message, Does.Contain("'deploy'").And.Contain("'nowhere'"));
    }
}
