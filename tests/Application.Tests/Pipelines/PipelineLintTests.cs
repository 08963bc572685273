using System.Globalization;
using Comet.Application.Pipelines;
using static Comet.Application.Tests.Pipelines.PipelineTestSupport;

namespace Comet.Application.Tests.Pipelines;

/// <summary>Every mistake a user can make in a pipeline file, with the exact place and words of the report.</summary>
public sealed class PipelineLintTests
{
    private static readonly int MaxFileBytes = new PipelineOptions().MaxFileBytes;

    private const string DurationHelp = "write e.g. 30s, 10m, 1h30m, 2h, 500ms, 1d or a number of seconds";

    [Test]
    public void Every_problem_is_reported_in_file_order_not_just_the_first()
    {
        var errors = Errors("""
            jobs:
              build:
                steps: [make]
                timeout: forever
              test:
                need: [build]
                retry: many
                steps: []
              deploy:
                needs: [tset]
                steps: [./deploy.sh]
            """);

        Assert.That(errors, Is.EqualTo(new[]
        {
            Error(4, 14, $"bad duration 'forever' for 'timeout' in job 'build'; {DurationHelp}"),
            Error(6, 5, "unknown key 'need' in job 'test'; did you mean 'needs'?"),
            Error(7, 12, "'retry' in job 'test' must be a whole number from 0 to 10, not 'many'"),
            Error(8, 5, "job 'test' has no steps"),
            Error(10, 13, "job 'deploy' needs 'tset', which is not a job; did you mean 'test'?"),
        }));
    }

    [Test]
    public void Unknown_job_key_suggests_the_close_one()
    {
        Assert.That(Errors("""
            jobs:
              test:
                need: [build]
                steps: [make test]
            """), Is.EqualTo(new[] { Error(3, 5, "unknown key 'need' in job 'test'; did you mean 'needs'?") }));
    }

    [TestCase("Steps", "steps")]
    [TestCase("allow-failure", "allow_failure")]
    [TestCase("timout", "timeout")]
    [TestCase("stge", "stage")]
    [TestCase("matirx", "matrix")]
    [TestCase("report", "reports")]
    [TestCase("depends_on", "needs")]
    [TestCase("script", "steps")]
    [TestCase("image", null)]
    [TestCase("cache", null)]
    public void Unknown_job_key_message_suggests_a_key_only_when_one_is_close(string typed, string? suggestion)
    {
        var errors = Errors($"jobs:\n  build:\n    steps: [make]\n    {typed}: x\n");

        var expected = $"unknown key '{typed}' in job 'build'" + (suggestion is null ? "" : $"; did you mean '{suggestion}'?");
        Assert.That(errors, Is.EqualTo(new[] { Error(4, 5, expected) }));
    }

    [Test]
    public void Unknown_top_level_key_is_reported_and_so_is_the_missing_jobs()
    {
        Assert.That(Errors("""
            job:
              build:
                steps: [make]
            """), Is.EqualTo(new[]
        {
            Error(1, 1, "unknown key 'job' at the top level; did you mean 'jobs'?"),
            Error(1, 1, "the pipeline has no 'jobs'; add a 'jobs:' mapping with at least one job"),
        }));
    }

    [Test]
    public void Unknown_step_keys_are_reported_with_a_hint_for_other_ci_habits()
    {
        Assert.That(Errors("""
            jobs:
              build:
                steps:
                  - run: make
                    shell: bash
                  - script: make test
            """), Is.EqualTo(new[]
        {
            Error(5, 9, "unknown key 'shell' in step 1 of job 'build'"),
            Error(6, 9, "unknown key 'script' in step 2 of job 'build'; did you mean 'run'?"),
            Error(6, 9, "step 2 of job 'build' has no 'run'"),
        }));
    }

    [Test]
    public void Hidden_top_level_keys_hold_templates_and_are_not_unknown()
    {
        Assert.That(Errors("""
            .shared: &shared { retry: 1 }
            jobs:
              build: { <<: *shared, steps: [make] }
            """), Is.Empty);
    }

    [Test]
    public void Cycle_in_needs_is_named_from_where_it_starts()
    {
        Assert.That(Errors("""
            jobs:
              a:
                needs: [b]
                steps: [x]
              b:
                needs: [c]
                steps: [x]
              c:
                needs: [a]
                steps: [x]
            """), Is.EqualTo(new[] { Error(3, 13, "needs form a cycle: a → b → c → a") }));
    }

    [Test]
    public void Cycle_behind_a_job_outside_it_names_only_the_jobs_in_the_cycle()
    {
        Assert.That(Errors("""
            jobs:
              start: { needs: [x], steps: [s] }
              x: { needs: [y], steps: [s] }
              y: { needs: [x], steps: [s] }
            """), Is.EqualTo(new[] { Error(3, 16, "needs form a cycle: x → y → x") }));
    }

    [Test]
    public void Job_needing_itself_is_a_cycle()
    {
        Assert.That(Errors("""
            jobs:
              build:
                needs: [build]
                steps: [make]
            """), Is.EqualTo(new[] { Error(3, 13, "job 'build' needs itself; needs form a cycle: build → build") }));
    }

    [Test]
    public void Needs_naming_no_job_suggests_the_close_job_name()
    {
        Assert.That(Errors("""
            jobs:
              test:
                steps: [make test]
              deploy:
                needs: [tset, publish]
                steps: [./deploy.sh]
            """), Is.EqualTo(new[]
        {
            Error(5, 13, "job 'deploy' needs 'tset', which is not a job; did you mean 'test'?"),
            Error(5, 19, "job 'deploy' needs 'publish', which is not a job"),
        }));
    }

    [Test]
    public void Needs_may_name_one_matrix_leg_but_not_a_leg_that_does_not_exist()
    {
        Assert.That(Errors("""
            jobs:
              test:
                matrix: { SUITE: [unit, e2e] }
                steps: [make]
              a: { needs: ["test [SUITE=unit]"], steps: [x] }
              b: { needs: ["test [SUITE=smoke]"], steps: [x] }
            """), Is.EqualTo(new[] { Error(6, 16, "job 'b' needs 'test [SUITE=smoke]', which is not a job") }));
    }

    [Test]
    public void Duplicate_job_name_is_reported_where_it_repeats()
    {
        Assert.That(Errors("""
            jobs:
              build:
                steps: [make]
              build:
                steps: [make all]
            """), Is.EqualTo(new[] { Error(4, 3, "duplicate job 'build'; it is already defined at line 2") }));
    }

    [Test]
    public void Duplicate_key_inside_a_job_is_reported()
    {
        Assert.That(Errors("""
            jobs:
              build:
                steps: [make]
                retry: 1
                steps: [make all]
            """), Is.EqualTo(new[] { Error(5, 5, "duplicate key 'steps' in job 'build'; the first is at line 3") }));
    }

    [Test]
    public void Bad_durations_are_reported_for_jobs_and_steps()
    {
        Assert.That(Errors("""
            jobs:
              build:
                timeout: 10x
                steps:
                  - run: make
                    timeout: soon
                  - run: make check
                    timeout: 0s
            """), Is.EqualTo(new[]
        {
            Error(3, 14, $"bad duration '10x' for 'timeout' in job 'build'; {DurationHelp}"),
            Error(6, 18, $"bad duration 'soon' for 'timeout' in step 1 of job 'build'; {DurationHelp}"),
            Error(8, 18, "'timeout' in step 2 of job 'build' must be longer than zero"),
        }));
    }

    [Test]
    public void Job_without_steps_is_reported_whether_the_list_is_empty_missing_or_the_job_is_blank()
    {
        Assert.That(Errors("""
            jobs:
              a:
                steps: []
              b:
                retry: 1
              c:
            """), Is.EqualTo(new[]
        {
            Error(3, 5, "job 'a' has no steps"),
            Error(4, 3, "job 'b' has no steps"),
            Error(6, 3, "job 'c' has no steps"),
        }));
    }

    [Test]
    public void Step_without_run_or_with_an_empty_run_is_reported()
    {
        Assert.That(Errors("""
            jobs:
              build:
                steps:
                  - name: compile
                  - run:
                  - run: [make, test]
                  -
            """), Is.EqualTo(new[]
        {
            Error(4, 9, "step 1 of job 'build' has no 'run'"),
            Error(5, 9, "'run' in step 2 of job 'build' is empty"),
            Error(6, 14, "'run' in step 3 of job 'build' must be text (write 'run: |' for several lines), not a list"),
            Error(7, 8, "step 4 of job 'build' is empty; give it a 'run'"),
        }));
    }

    [Test]
    public void Wrong_value_types_are_reported_with_what_was_expected()
    {
        Assert.That(Errors("""
            jobs:
              build:
                retry: many
                allow_failure: maybe
                needs: { build: yes }
                steps:
                  - run: make
                    continue_on_error: "true"
              pack:
                retry: 11
                steps: make pack
            """), Is.EqualTo(new[]
        {
            Error(3, 12, "'retry' in job 'build' must be a whole number from 0 to 10, not 'many'"),
            Error(4, 20, "'allow_failure' in job 'build' must be true or false, not 'maybe'"),
            Error(5, 12, "'needs' in job 'build' must be a list or a single value, not a mapping"),
            Error(8, 28, "'continue_on_error' in step 1 of job 'build' must be true or false, not \"true\" (quoted, so text)"),
            Error(10, 12, "'retry' in job 'pack' must be a whole number from 0 to 10, not '11'"),
            Error(11, 12, "'steps' in job 'pack' must be a list of steps (each '- run: ...'), not 'make pack'"),
        }));
    }

    [Test]
    public void Bad_variable_names_and_values_are_reported()
    {
        Assert.That(Errors("""
            variables:
              my-var: 1
              LIST: [a, b]
            jobs:
              build: { steps: [make] }
            """), Is.EqualTo(new[]
        {
            Error(2, 3, "'my-var' in 'variables' at the top level is not a valid variable name; use letters, digits and '_', not starting with a digit"),
            Error(3, 9, "'LIST' in 'variables' at the top level must be a single value (text, number or true/false), not a list"),
        }));
    }

    [Test]
    public void Stage_misuse_is_reported_needs_with_stages_a_stage_not_listed_and_a_job_without_stage()
    {
        Assert.That(Errors("""
            stages: [build, test]
            jobs:
              compile:
                stage: build
                steps: [make]
              unit:
                stage: tset
                steps: [make test]
              deploy:
                needs: [unit]
                steps: [./deploy.sh]
            """), Is.EqualTo(new[]
        {
            Error(7, 12, "job 'unit' has stage 'tset', which is not in 'stages' (build, test); did you mean 'test'?"),
            Error(9, 3, "job 'deploy' has no 'stage'; when the file lists 'stages', every job names its stage"),
            Error(10, 5, "job 'deploy' has 'needs', but this file orders jobs with 'stages'; use either 'needs' or 'stages', not both"),
        }));
    }

    [Test]
    public void Stage_without_a_stages_list_is_reported()
    {
        Assert.That(Errors("""
            jobs:
              build:
                stage: build
                steps: [make]
            """), Is.EqualTo(new[] { Error(3, 12, "job 'build' has 'stage: build', but the file has no top-level 'stages' list") }));
    }

    [Test]
    public void Stage_listed_twice_is_an_error_and_a_stage_without_jobs_a_warning()
    {
        const string yaml = """
            stages: [build, test, build]
            jobs:
              compile: { stage: build, steps: [make] }
            """;

        Assert.That(Errors(yaml), Is.EqualTo(new[] { Error(1, 23, "stage 'build' is listed twice in 'stages' (first at line 1)") }));
        Assert.That(Warnings(yaml), Is.EqualTo(new[] { Warning(1, 17, "stage 'test' has no jobs") }));
    }

    [Test]
    public void Matrix_of_more_than_256_legs_is_an_error_naming_the_count()
    {
        var values = string.Join(", ", Enumerable.Range(0, 17));
        Assert.That(Errors($"""
            jobs:
              test:
                steps: [make]
                matrix:
                  A: [{values}]
                  B: [{values}]
            """), Is.EqualTo(new[] { Error(4, 5, "the matrix of job 'test' makes 289 jobs (17 × 17); the limit is 256") }));
    }

    [Test]
    public void Matrix_of_257_legs_is_an_error_and_256_legs_are_fine()
    {
        string Yaml(int count) => $"jobs:\n  test:\n    steps: [make]\n    matrix:\n      N: [{string.Join(", ", Enumerable.Range(0, count))}]\n";

        Assert.That(Errors(Yaml(257)), Is.EqualTo(new[] { Error(4, 5, "the matrix of job 'test' makes 257 jobs (257); the limit is 256") }));
        Assert.That(Errors(Yaml(256)), Is.Empty);
    }

    [Test]
    public void Matrix_shape_mistakes_are_reported()
    {
        Assert.That(Errors("""
            jobs:
              test:
                steps: [make]
                matrix:
                  SUITE: unit
                  OS: []
                  ARCH: [x64, x64]
                  bad-name: [a]
            """), Is.EqualTo(new[]
        {
            Error(5, 14, "'SUITE' in the matrix of job 'test' must be a list of values (e.g. [a, b]), not 'unit'"),
            Error(6, 11, "'OS' in the matrix of job 'test' has no values, so the job would never run"),
            Error(7, 19, "'ARCH' in the matrix of job 'test' lists 'x64' twice"),
            Error(8, 7, "'bad-name' in the matrix of job 'test' is not a valid variable name; use letters, digits and '_', not starting with a digit"),
        }));
    }

    [Test]
    public void File_without_jobs_is_reported()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Errors("variables:\n  A: b\n"), Is.EqualTo(new[] { Error(1, 1, "the pipeline has no 'jobs'; add a 'jobs:' mapping with at least one job") }));
            Assert.That(Errors("jobs:\n"), Is.EqualTo(new[] { Error(1, 1, "'jobs' is empty; add at least one job") }));
            Assert.That(Errors("jobs: []\n"), Is.EqualTo(new[] { Error(1, 7, "'jobs' must be a mapping of job names to jobs, not a list") }));
        });
    }

    [TestCase("")]
    [TestCase("   \n\n")]
    [TestCase("# nothing here yet\n")]
    [TestCase("---\n")]
    [TestCase("~\n")]
    public void Empty_file_is_reported(string yaml)
    {
        Assert.That(Errors(yaml), Is.EqualTo(new[] { Error(1, 1, "the pipeline file is empty; it needs a 'jobs:' mapping with at least one job") }));
    }

    [Test]
    public void File_that_is_not_a_mapping_is_reported()
    {
        Assert.That(Errors("- build\n- test\n"), Is.EqualTo(new[] { Error(1, 1, "the pipeline file must be a mapping with 'jobs:' at the top level, not a list") }));
    }

    [Test]
    public void Yaml_syntax_error_is_reported_where_it_is()
    {
        Assert.That(Errors("""
            jobs:
              build:
                steps: "make
            """), Is.EqualTo(new[] { Error(3, 12, "YAML syntax error: While scanning a quoted scalar, found unexpected end of stream.") }));
    }

    [Test]
    public void Tab_indentation_is_reported_at_the_tab_not_at_the_start_of_the_file()
    {
        Assert.That(Errors("jobs:\n  build:\n  \tsteps: [make]\n"), Has.Exactly(1).Items
            .And.Some.Matches<PipelineDiagnostic>(d => d.Line == 3 && d.Column == 3 && d.Message.Contains("tab")));
    }

    [Test]
    public void Unclosed_bracket_is_a_syntax_error_not_a_crash()
    {
        var errors = Errors("jobs:\n  a: [1, 2\n  b: 3\n");

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].Message, Does.StartWith("YAML syntax error"));
        Assert.That(errors[0].Line, Is.EqualTo(2));
    }

    [Test]
    public void Alias_to_an_unknown_anchor_is_reported()
    {
        Assert.That(Errors("""
            jobs:
              build:
                steps: *missing
            """), Is.EqualTo(new[]
        {
            Error(3, 12, "alias '*missing' refers to no anchor '&missing' defined before it"),
            Error(3, 5, "job 'build' has no steps"),
        }.OrderBy(d => d.Line).ThenBy(d => d.Column)));
    }

    [Test]
    public void Second_yaml_document_is_reported()
    {
        Assert.That(Errors("jobs:\n  build: { steps: [make] }\n---\njobs: {}\n"), Is.EqualTo(new[]
        {
            Error(3, 1, "the file holds more than one YAML document ('---'); a pipeline file is a single document"),
        }));
    }

    [Test]
    public void Unknown_event_and_when_key_are_reported_with_suggestions()
    {
        Assert.That(Errors("""
            when:
              event: [push, pull-request]
            jobs:
              deploy:
                when: { branches: main }
                steps: [make]
            """), Is.EqualTo(new[]
        {
            Error(2, 17, "unknown event 'pull-request' in 'when' at the top level; did you mean 'pull_request'? (events are push, pull_request, tag, manual, cron)"),
            Error(5, 13, "unknown key 'branches' in 'when' in job 'deploy'; did you mean 'branch'?"),
        }));
    }

    [Test]
    public void When_as_a_plain_word_other_than_manual_is_explained()
    {
        Assert.That(Errors("jobs:\n  deploy:\n    when: always\n    steps: [x]\n"), Is.EqualTo(new[]
        {
            Error(3, 11, "'when' in job 'deploy' must be a mapping of filters (event, branch, tag, path) or a list of them, or 'manual', not 'always'"),
        }));
        Assert.That(Errors("when: manual\njobs:\n  deploy:\n    steps: [x]\n").Single().Message, Does.EndWith("or a list of them, not 'manual'"),
            "manual is a job's word, not the pipeline's");
    }

    [Test]
    public void Artifact_paths_must_stay_inside_the_workspace()
    {
        Assert.That(Errors("""
            jobs:
              build:
                steps: [make]
                artifacts: ["../secrets", "/etc/passwd", "out/**"]
            """), Is.EqualTo(new[]
        {
            Error(4, 17, "'../secrets' in 'artifacts' in job 'build' must stay inside the workspace (a relative path without '..')"),
            Error(4, 31, "'/etc/passwd' in 'artifacts' in job 'build' must stay inside the workspace (a relative path without '..')"),
        }));
    }

    [Test]
    public void Report_globs_must_stay_inside_the_workspace_and_reports_know_only_junit_and_coverage()
    {
        Assert.That(Errors("""
            jobs:
              test:
                steps: [make test]
                reports:
                  junit: ["../other/junit.xml"]
                  covrage: [coverage.xml]
            """), Is.EqualTo(new[]
        {
            Error(5, 15, "'../other/junit.xml' in 'junit' in 'reports' in job 'test' must stay inside the workspace (a relative path without '..')"),
            Error(6, 7, "unknown key 'covrage' in 'reports' in job 'test'; did you mean 'coverage'?"),
        }));
    }

    [Test]
    public void Reports_must_be_a_mapping()
    {
        Assert.That(Errors("jobs:\n  test:\n    steps: [make]\n    reports: junit.xml\n"), Is.EqualTo(new[]
        {
            Error(4, 14, "'reports' in job 'test' must be a mapping with 'junit' and/or 'coverage' globs, not 'junit.xml'"),
        }));
    }

    [Test]
    public void Not_implemented_job_keys_are_warnings_naming_the_key()
    {
        var result = PipelineParser.Parse("""
            jobs:
              deploy:
                services: [postgres]
                environment: production
                approval: required
                secrets: [TOKEN]
                steps: [./deploy.sh]
            """);

        Assert.That(result.Diagnostics, Is.EqualTo(new[]
        {
            Warning(3, 5, "'services' is accepted but not implemented yet; it has no effect"),
        }));
    }

    [Test]
    public void Approval_is_required_or_none()
    {
        Assert.That(Errors("jobs:\n  deploy:\n    approval: yes\n    steps: [x]\n"), Is.EqualTo(new[]
        {
            Error(3, 15, "'approval' in job 'deploy' must be 'required' or 'none', not 'yes'"),
        }));
    }

    [Test]
    public void File_over_one_megabyte_is_an_error_not_an_exception()
    {
        var yaml = "jobs:\n  build: { steps: [make] }\n#" + new string('x', MaxFileBytes);

        var result = PipelineParser.Parse(yaml);

        Assert.That(result.Pipeline, Is.Null);
        Assert.That(result.Diagnostics, Is.EqualTo(new[]
        {
            Error(1, 1, $"the pipeline file is {yaml.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes; the limit is 1,048,576 bytes (1 MiB), set by Pipelines:MaxFileBytes"),
        }));
    }

    [Test]
    public void File_of_exactly_one_megabyte_is_read()
    {
        var head = "jobs:\n  build: { steps: [make] }\n#";
        var yaml = head + new string('x', MaxFileBytes - head.Length);

        Assert.That(Errors(yaml), Is.Empty);
    }

    [Test]
    public void Deeply_nested_yaml_is_refused_quickly_with_a_clear_error()
    {
        var yaml = "jobs: " + new string('[', 200_000) + new string(']', 200_000);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var errors = Errors(yaml);

        Assert.That(errors, Is.EqualTo(new[] { Error(1, 70, "the file nests lists and mappings more than 64 levels deep") }));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    [Test]
    public void Report_of_a_file_full_of_mistakes_is_capped_and_says_so()
    {
        var yaml = "jobs:\n  build:\n    steps: [make]\n" + string.Concat(Enumerable.Range(0, 600).Select(i => $"    bad{i}: x\n"));

        var errors = Errors(yaml);

        Assert.That(errors, Has.Count.EqualTo(501));
        Assert.That(errors[0], Is.EqualTo(Error(4, 5, "unknown key 'bad0' in job 'build'")));
        Assert.That(errors[^1].Message, Is.EqualTo("too many problems; only the first 500 are shown"));
    }

    [Test]
    public void When_entries_and_artifact_settings_are_checked()
    {
        Assert.That(Errors("""
            when:
              - branch: main
              - main
            jobs:
              build:
                steps: [make]
                artifacts:
                  when: sometimes
                  expires_in: 1d
            """), Is.EqualTo(new[]
        {
            Error(3, 5, "each entry of 'when' at the top level must be a mapping such as { branch: main }, not 'main'"),
            Error(8, 7, "'artifacts' in job 'build' has no 'paths'"),
            Error(8, 13, "'when' in 'artifacts' in job 'build' must be one of on_success, on_failure, always, not 'sometimes'"),
            Error(9, 7, "unknown key 'expires_in' in 'artifacts' in job 'build'; did you mean 'expire_in'?"),
        }));
    }

    [Test]
    public void Merge_key_must_refer_to_a_mapping()
    {
        Assert.That(Errors("""
            .list: &list [a, b]
            jobs:
              build:
                <<: *list
                steps: [make]
            """), Is.EqualTo(new[] { Error(4, 5, "'<<' merges mappings (e.g. '<<: *defaults'), but this is a list") }));
    }

    [Test]
    public void Blank_job_name_is_reported()
    {
        Assert.That(Errors("jobs:\n  \"  \": { steps: [make] }\n"), Is.EqualTo(new[] { Error(2, 3, "a job name must be visible text on one line") }));
    }
}
