using System.Text;
using Comet.Application.Pipelines;
using Comet.TestSupport;
using static Comet.Application.Tests.Pipelines.PipelineTestSupport;

namespace Comet.Application.Tests.Pipelines;

/// <summary>
/// What a pipeline file may ask for (<see cref="PipelineOptions"/>): anyone who can push writes it, so a file that
/// asks for too much gets one clear error at the place that asks, never the server's memory or minutes of work.
/// </summary>
public sealed class PipelineLimitTests
{
    private static IReadOnlyList<PipelineDiagnostic> Errors(string yaml, PipelineOptions limits) =>
        PipelineTestSupport.Errors(PipelineParser.Parse(yaml, limits));

    private static string Jobs(int count) =>
        "jobs:\n" + string.Concat(Enumerable.Range(0, count).Select(i => $"  job{i}: {{ steps: [make] }}\n"));

    private static string TopLevelVariables(int count) =>
        "variables:\n" + string.Concat(Enumerable.Range(0, count).Select(i => $"  V{i}: x\n")) + "jobs:\n  build: { steps: [make] }\n";

    [Test]
    public void Alias_bomb_is_refused_with_line_and_column()
    {
        var result = PipelineParser.Parse(HostilePipelines.AliasBomb());

        Assert.That(result.Pipeline, Is.Null);
        Assert.That(PipelineTestSupport.Errors(result), Is.EqualTo(new[]
        {
            Error(45, 9, "alias '*big' expands the file past the limit of 4,194,304 bytes (4 MiB), set by Pipelines:MaxExpandedBytes; "
                + "'&big' alone is 100,001 bytes and every alias of it counts in full"),
        }));
    }

    [Test]
    public void Aliases_that_multiply_each_other_are_refused_at_the_alias_that_passes_the_limit()
    {
        // Eleven levels, each ten aliases of the one before: 10^11 x's if expanded.
        var yaml = new StringBuilder(".l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level <= 10; level++)
            yaml.Append($".l{level}: &l{level} [").Append(string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 10))).Append("]\n");
        yaml.Append("jobs:\n  build:\n    steps: [make]\n    variables: { A: *l10 }\n");

        var errors = Errors(yaml.ToString(), new PipelineOptions());

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].Line, Is.EqualTo(7), "the first alias of '&l5' (a million x's, 2 MB) takes the count past 4 MiB");
        Assert.That(errors[0].Message, Does.StartWith("alias '*l5' expands the file past the limit of 4,194,304 bytes (4 MiB)"));
    }

    [Test]
    public void Templates_reused_by_many_jobs_stay_well_within_the_expansion_limit()
    {
        var yaml = ".defaults: &defaults\n  timeout: 10m\n  retry: 1\n  variables: { CONFIGURATION: Release }\n  steps:\n    - run: dotnet build -c $CONFIGURATION\njobs:\n"
            + string.Concat(Enumerable.Range(0, 200).Select(i => $"  job{i}:\n    <<: *defaults\n"));

        var pipeline = ParseValid(yaml);

        Assert.That(pipeline.Jobs, Has.Count.EqualTo(200));
        Assert.That(pipeline.Jobs[199].Steps.Single().Run, Is.EqualTo("dotnet build -c $CONFIGURATION"));
    }

    [Test]
    public void Expansion_limit_is_a_setting()
    {
        var yaml = ".text: &text \"" + new string('x', 600) + "\"\njobs:\n  build:\n    steps: [*text, *text]\n";

        Assert.That(Errors(yaml, new PipelineOptions()), Is.Empty);
        Assert.That(Errors(yaml, new PipelineOptions { MaxExpandedBytes = 1500 }), Is.EqualTo(new[]
        {
            Error(4, 20, "alias '*text' expands the file past the limit of 1,500 bytes, set by Pipelines:MaxExpandedBytes; "
                + "'&text' alone is 601 bytes and every alias of it counts in full"),
        }));
    }

    [Test]
    public void Ten_thousand_jobs_are_refused_at_the_jobs_key_without_reading_a_job()
    {
        var result = PipelineParser.Parse(HostilePipelines.TenThousandJobs());

        Assert.That(result.Pipeline, Is.Null);
        // Every job needs a job that does not exist: no such error shows that no job was read.
        Assert.That(PipelineTestSupport.Errors(result), Is.EqualTo(new[]
        {
            Error(1, 1, "'jobs' has more than 500 jobs; a run may have at most 500 (each leg of a matrix counts as a job), set by Pipelines:MaxJobsPerRun"),
        }));
    }

    [Test]
    public void Five_hundred_jobs_are_accepted_and_five_hundred_and_one_are_not()
    {
        Assert.That(ParseValid(Jobs(500)).Jobs, Has.Count.EqualTo(500));
        Assert.That(PipelineTestSupport.Errors(Jobs(501)).Single().Message, Does.StartWith("'jobs' has more than 500 jobs; a run may have at most 500"));
    }

    [Test]
    public void Matrix_legs_count_toward_the_jobs_limit_and_the_job_that_passes_it_is_named()
    {
        var yaml = """
            jobs:
              lint:
                steps: [make lint]
              test:
                matrix:
                  OS: [linux, mac, windows]
                  SUITE: [unit, integration, e2e, perf]
                steps: [make test]
              deploy:
                needs: [test]
                steps: [make deploy]
            """;

        Assert.That(Errors(yaml, new PipelineOptions { MaxJobsPerRun = 14 }), Is.Empty, "1 + 12 + 1 jobs fit in 14");
        Assert.That(Errors(yaml, new PipelineOptions { MaxJobsPerRun = 10 }), Is.EqualTo(new[]
        {
            Error(4, 3, "job 'test' takes the run to 13 jobs with the 12 legs of its matrix; "
                + "a run may have at most 10 (each leg of a matrix counts as a job), set by Pipelines:MaxJobsPerRun"),
        }));
    }

    [Test]
    public void Jobs_merged_in_from_a_template_count_toward_the_limit_too()
    {
        var yaml = """
            .set: &set
              a: { steps: [make a] }
              b: { steps: [make b] }
              c: { steps: [make c] }
            jobs:
              <<: *set
            """;

        Assert.That(Errors(yaml, new PipelineOptions { MaxJobsPerRun = 2 }), Is.EqualTo(new[]
        {
            Error(4, 3, "job 'c' takes the run to 3 jobs; a run may have at most 2 (each leg of a matrix counts as a job), set by Pipelines:MaxJobsPerRun"),
        }));
    }

    [Test]
    public void Too_many_pipeline_variables_are_refused_naming_the_limit()
    {
        Assert.That(Errors(TopLevelVariables(100), new PipelineOptions()), Is.Empty);
        Assert.That(Errors(TopLevelVariables(101), new PipelineOptions()), Is.EqualTo(new[]
        {
            Error(2, 3, "'variables' at the top level has 101 variables; the limit is 100, set by Pipelines:MaxVariables"),
        }));
    }

    [Test]
    public void Too_many_variables_in_a_job_a_step_or_a_matrix_are_refused_where_they_are()
    {
        var yaml = """
            jobs:
              build:
                variables: { A: 1, B: 2, C: 3 }
                matrix: { X: [1], Y: [2], Z: [3] }
                steps:
                  - run: make
                    env: { D: 4, E: 5, F: 6 }
            """;

        Assert.That(Errors(yaml, new PipelineOptions { MaxVariables = 2 }), Is.EqualTo(new[]
        {
            Error(3, 16, "'variables' in job 'build' has 3 variables; the limit is 2, set by Pipelines:MaxVariables"),
            Error(4, 13, "'matrix' in job 'build' has 3 variables; the limit is 2, set by Pipelines:MaxVariables"),
            Error(7, 14, "'env' in step 1 of job 'build' has 3 variables; the limit is 2, set by Pipelines:MaxVariables"),
        }));
    }

    [Test]
    public void Variable_value_over_the_limit_is_refused_at_the_value()
    {
        var big = new string('é', 32 * 1024 + 1); // two UTF-8 bytes each: one byte over 64 KiB
        var yaml = $"variables:\n  FITS: {new string('x', 64 * 1024)}\njobs:\n  build:\n    steps: [make]\n    variables:\n      BIG: {big}\n";

        Assert.That(Errors(yaml, new PipelineOptions()), Is.EqualTo(new[]
        {
            Error(7, 12, "the value of 'BIG' in 'variables' in job 'build' is 65,538 bytes; "
                + "the limit for a variable's value is 65,536 bytes (64 KiB), set by Pipelines:MaxVariableValueBytes"),
        }));
    }

    [Test]
    public void Matrix_value_over_the_limit_is_refused_at_the_value()
    {
        var yaml = $"jobs:\n  test:\n    matrix:\n      SUITE: [unit, {new string('x', 101)}]\n    steps: [make]\n";

        Assert.That(Errors(yaml, new PipelineOptions { MaxVariableValueBytes = 100 }), Is.EqualTo(new[]
        {
            Error(4, 21, "a value of 'SUITE' in the matrix of job 'test' is 101 bytes; the limit for a variable's value is 100 bytes, "
                + "set by Pipelines:MaxVariableValueBytes"),
        }));
    }

    [Test]
    public void Variable_name_over_the_limit_is_refused_shortened_in_the_message()
    {
        var name = new string('N', 257);
        var yaml = $"jobs:\n  build:\n    steps:\n      - run: make\n        env:\n          {name}: x\n";

        Assert.That(Errors(yaml, new PipelineOptions()), Is.EqualTo(new[]
        {
            Error(6, 11, $"'{new string('N', 40)}…' in 'env' in step 1 of job 'build' is 257 characters long; "
                + "the limit for a variable name is 256, set by Pipelines:MaxVariableNameLength"),
        }));
    }

    [Test]
    public void File_size_limit_is_a_setting()
    {
        var yaml = "jobs:\n  build: { steps: [make] }\n# " + new string('x', 2000) + "\n";

        Assert.That(Errors(yaml, new PipelineOptions()), Is.Empty);
        Assert.That(Errors(yaml, new PipelineOptions { MaxFileBytes = 2000 }), Is.EqualTo(new[]
        {
            Error(1, 1, "the pipeline file is 2,036 bytes; the limit is 2,000 bytes, set by Pipelines:MaxFileBytes"),
        }));
    }
}
