using Comet.Application.Pipelines;
using static Comet.Application.Tests.Pipelines.PipelineTestSupport;

namespace Comet.Application.Tests.Pipelines;

public sealed class PipelineParserTests
{
    [Test]
    public void Design_sample_parses_without_a_diagnostic()
    {
        var result = PipelineParser.Parse(DesignSample);

        Assert.That(result.Diagnostics, Is.Empty);
        Assert.That(result.HasErrors, Is.False);
        Assert.That(result.Pipeline, Is.Not.Null);
    }

    [Test]
    public void Design_sample_keeps_triggers_variables_and_every_job_setting()
    {
        var pipeline = ParseValid(DesignSample);

        var when = pipeline.When.Single();
        Assert.That(when.Events, Is.EqualTo(new[] { "push", "pull_request", "tag", "manual", "cron" }));
        Assert.That(when.Branches, Is.EqualTo(new[] { "main", "release/*" }));
        Assert.That(when.Paths, Is.EqualTo(new[] { "src/**" }));
        Assert.That(when.Tags, Is.Empty);
        Assert.That(pipeline.Variables, Is.EqualTo(new Dictionary<string, string> { ["CONFIGURATION"] = "Release" }));
        Assert.That(pipeline.Jobs.Select(j => j.Name), Is.EqualTo(new[] { "build", "test", "deploy" }));

        var build = pipeline.Jobs[0];
        Assert.That(build.Steps.Select(s => (s.Name, s.Run)), Is.EqualTo(new[]
        {
            ("restore", "dotnet restore"),
            ("dotnet build -c $CONFIGURATION", "dotnet build -c $CONFIGURATION"),
        }));
        Assert.That((build.Artifacts!.Paths, build.Artifacts.When, build.Artifacts.ExpireIn),
            Is.EqualTo((new[] { "out/**" }, ArtifactWhen.OnSuccess, (TimeSpan?)null)));
        Assert.That(build.Needs, Is.Empty);

        var test = pipeline.Jobs[1];
        Assert.That(test.Needs, Is.EqualTo(new[] { "build" }));
        Assert.That(test.Matrix.Single().Key, Is.EqualTo("SUITE"));
        Assert.That(test.Matrix.Single().Value, Is.EqualTo(new[] { "unit", "integration" }));
        Assert.That(test.Timeout, Is.EqualTo(TimeSpan.FromMinutes(10)));
        Assert.That(test.Retry, Is.EqualTo(1));
        Assert.That(test.AllowFailure, Is.False);

        var deploy = pipeline.Jobs[2];
        Assert.That(deploy.When.Single().Branches, Is.EqualTo(new[] { "main" }));
        Assert.That(deploy.Environment, Is.EqualTo(new EnvironmentDefinition("production", null)));
        Assert.That(deploy.Needs, Is.EqualTo(new[] { "test" }));
    }

    [Test]
    public void Plain_string_steps_are_run_commands_named_by_their_first_line()
    {
        var pipeline = ParseValid("""
            jobs:
              build:
                steps:
                  - make build
                  - "echo 'done: yes'"
                  - name: pack
                    run: make pack
            """);

        var steps = pipeline.Jobs.Single().Steps;
        Assert.That(steps.Select(s => s.Run), Is.EqualTo(new[] { "make build", "echo 'done: yes'", "make pack" }));
        Assert.That(steps.Select(s => s.Name), Is.EqualTo(new[] { "make build", "echo 'done: yes'", "pack" }));
    }

    [Test]
    public void Multi_line_run_keeps_every_line_and_is_named_by_the_first()
    {
        var pipeline = ParseValid("""
            jobs:
              build:
                steps:
                  - run: |
                      set -x
                      ./configure
                      make -j4
                    env:
                      CC: clang
                      JOBS: 4
                    timeout: 1h30m
                    continue_on_error: true
            """);

        var step = pipeline.Jobs.Single().Steps.Single();
        Assert.That(step.Run, Is.EqualTo("set -x\n./configure\nmake -j4\n"));
        Assert.That(step.Name, Is.EqualTo("set -x"));
        Assert.That(step.Env, Is.EqualTo(new Dictionary<string, string> { ["CC"] = "clang", ["JOBS"] = "4" }));
        Assert.That(step.Timeout, Is.EqualTo(TimeSpan.FromMinutes(90)));
        Assert.That(step.ContinueOnError, Is.True);
    }

    [Test]
    public void Unicode_job_names_parse_and_can_be_needed()
    {
        var pipeline = ParseValid("""
            jobs:
              构建:
                steps: [make]
              тест:
                needs: 构建
                steps: [make test]
              déploiement 🚀:
                needs: [тест]
                steps: [./deploy.sh]
            """);

        Assert.That(pipeline.Jobs.Select(j => j.Name), Is.EqualTo(new[] { "构建", "тест", "déploiement 🚀" }));
        Assert.That(pipeline.Jobs[1].Needs, Is.EqualTo(new[] { "构建" }));
        Assert.That(pipeline.Jobs[2].Needs, Is.EqualTo(new[] { "тест" }));
    }

    [Test]
    public void Errors_after_unicode_text_on_the_same_line_point_at_the_right_column()
    {
        Assert.That(Errors("""
            jobs:
              тест: {nees: [x], steps: [a]}
            """), Is.EqualTo(new[]
        {
            Error(2, 10, "unknown key 'nees' in job 'тест'; did you mean 'needs'?"),
        }));
    }

    [Test]
    public void Needs_may_be_a_single_name()
    {
        var pipeline = ParseValid("""
            jobs:
              build: { steps: [make] }
              test: { needs: build, steps: [make test] }
            """);

        Assert.That(pipeline.Jobs[1].Needs, Is.EqualTo(new[] { "build" }));
    }

    [Test]
    public void Variables_keep_numbers_and_booleans_as_their_text_and_an_empty_value_as_empty()
    {
        var pipeline = ParseValid("""
            variables:
              RETRIES: 3
              VERBOSE: true
              EMPTY:
              QUOTED: "01"
            jobs:
              build:
                variables: { TARGET: linux-x64 }
                steps: [make]
            """);

        Assert.That(pipeline.Variables, Is.EqualTo(new Dictionary<string, string>
        {
            ["RETRIES"] = "3", ["VERBOSE"] = "true", ["EMPTY"] = "", ["QUOTED"] = "01",
        }));
        Assert.That(pipeline.Jobs[0].Variables, Is.EqualTo(new Dictionary<string, string> { ["TARGET"] = "linux-x64" }));
    }

    [Test]
    public void Artifacts_as_a_mapping_keep_their_paths()
    {
        var pipeline = ParseValid("""
            jobs:
              build:
                steps: [make]
                artifacts:
                  paths: ["out/**", "logs/*.txt"]
                  when: always
                  expire_in: 30d
            """);

        var artifacts = pipeline.Jobs[0].Artifacts!;
        Assert.That(artifacts.Paths, Is.EqualTo(new[] { "out/**", "logs/*.txt" }));
        Assert.That(artifacts.When, Is.EqualTo(ArtifactWhen.Always));
        Assert.That(artifacts.ExpireIn, Is.EqualTo(TimeSpan.FromDays(30)));
    }

    [TestCase("on_success", ArtifactWhen.OnSuccess, true, false)]
    [TestCase("on_failure", ArtifactWhen.OnFailure, false, true)]
    [TestCase("always", ArtifactWhen.Always, true, true)]
    public void Artifacts_when_decides_whether_a_passed_or_failed_job_keeps_them(string when, ArtifactWhen expected, bool onSuccess, bool onFailure)
    {
        var pipeline = ParseValid($$"""
            jobs:
              build:
                steps: [make]
                artifacts: { paths: [out/app], when: {{when}} }
            """);

        var artifacts = pipeline.Jobs[0].Artifacts!;
        Assert.That(artifacts.When, Is.EqualTo(expected));
        Assert.That((artifacts.KeepsFor(succeeded: true), artifacts.KeepsFor(succeeded: false)), Is.EqualTo((onSuccess, onFailure)));
    }

    [Test]
    public void Reports_keep_their_junit_and_coverage_globs_and_a_single_glob_is_a_list_of_one()
    {
        var pipeline = ParseValid("""
            jobs:
              test:
                steps: [make test]
                reports:
                  junit: ["**/TestResults/*.xml", "reports/junit.xml"]
                  coverage: coverage.xml
            """);

        var reports = pipeline.Jobs[0].Reports!;
        Assert.That(reports.Junit, Is.EqualTo(new[] { "**/TestResults/*.xml", "reports/junit.xml" }));
        Assert.That(reports.Coverage, Is.EqualTo(new[] { "coverage.xml" }));
    }

    [Test]
    public void A_job_without_reports_or_artifacts_has_none()
    {
        var job = ParseValid("jobs:\n  build: { steps: [make] }\n").Jobs[0];

        Assert.That((job.Reports, job.Artifacts), Is.EqualTo(((ReportDefinition?)null, (ArtifactDefinition?)null)));
    }

    [Test]
    public void Top_level_when_as_a_list_is_one_rule_per_entry_and_values_may_be_single()
    {
        var pipeline = ParseValid("""
            when:
              - event: push
                branch: main
              - event: tag
                tag: "v*"
            jobs:
              build: { steps: [make] }
            """);

        Assert.That(pipeline.When, Has.Count.EqualTo(2));
        Assert.That(pipeline.When[0].Events, Is.EqualTo(new[] { "push" }));
        Assert.That(pipeline.When[0].Branches, Is.EqualTo(new[] { "main" }));
        Assert.That(pipeline.When[1].Events, Is.EqualTo(new[] { "tag" }));
        Assert.That(pipeline.When[1].Tags, Is.EqualTo(new[] { "v*" }));
    }

    [Test]
    public void Yaml_anchors_and_merge_keys_share_settings_between_jobs()
    {
        var pipeline = ParseValid("""
            .defaults: &defaults
              timeout: 5m
              retry: 2
            jobs:
              unit:
                <<: *defaults
                steps: [make unit]
              e2e:
                <<: *defaults
                retry: 0
                steps: [make e2e]
            """);

        Assert.That(pipeline.Jobs.Select(j => (j.Name, j.Timeout, j.Retry)), Is.EqualTo(new[]
        {
            ("unit", (TimeSpan?)TimeSpan.FromMinutes(5), 2),
            ("e2e", (TimeSpan?)TimeSpan.FromMinutes(5), 0),
        }));
    }

    [Test]
    public void Approval_required_and_when_manual_gate_a_job_and_default_to_off()
    {
        var pipeline = ParseValid("jobs:\n  a:\n    steps: [x]\n  b:\n    approval: required\n    steps: [x]\n  c:\n    when: manual\n    approval: none\n    steps: [x]\n");

        Assert.That(pipeline.Jobs.Select(j => (j.Name, j.ApprovalRequired, j.Manual)), Is.EqualTo(new[]
        {
            ("a", false, false), ("b", true, false), ("c", false, true),
        }));
    }

    [Test]
    public void Warnings_alone_keep_the_pipeline_and_errors_drop_it()
    {
        var withWarning = PipelineParser.Parse("jobs:\n  a:\n    services: [postgres]\n    steps: [x]\n");
        var withError = PipelineParser.Parse("jobs:\n  a:\n    retry: 99\n    steps: [x]\n");

        Assert.That(withWarning.Pipeline, Is.Not.Null);
        Assert.That(withWarning.Diagnostics, Is.EqualTo(new[] { Warning(3, 5, "'services' is accepted but not implemented yet; it has no effect") }));
        Assert.That(withError.HasErrors, Is.True);
        Assert.That(withError.Pipeline, Is.Null);
    }
}
