using System.Net;
using System.Text;
using System.Text.Json;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Pipelines;

/// <summary>What a user sees when the pipeline cannot run: lint answers, and runs that end in error with the reason.</summary>
public sealed class PipelineErrorTests : PipelineTestBase
{
    // Line 8 column 5: the unknown key; line 3 column 13: the need where the cycle a → b → a starts.
    private const string BrokenPipeline = """
        jobs:
          a:
            needs: [b]
            steps:
              - run: echo a
          b:
            needs: [a]
            stepz:
              - run: echo b
            steps:
              - run: echo b
        """;

    private async Task<JsonElement> LintAsync(string yaml)
    {
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        using var response = await Client.PostAsync("/api/v1/lint", content);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await response.ReadJsonAsync();
    }

    [Test]
    public async Task Lint_reports_an_unknown_key_and_a_needs_cycle_each_with_its_line_and_column()
    {
        var result = await LintAsync(BrokenPipeline);

        Assert.That(result.GetProperty("valid").GetBoolean(), Is.False);
        var errors = result.GetProperty("errors").EnumerateArray()
            .Select(e => (Line: e.GetProperty("line").GetInt32(), Column: e.GetProperty("column").GetInt32(), Message: e.GetProperty("message").GetString()!))
            .ToList();
        Assert.That(errors, Has.Count.EqualTo(2), string.Join("\n", errors));
        Assert.Multiple(() =>
        {
            Assert.That((errors[0].Line, errors[0].Column), Is.EqualTo((3, 13)));
            Assert.That(errors[0].Message, Does.Contain("cycle").And.Contain("a → b → a"));
            Assert.That((errors[1].Line, errors[1].Column), Is.EqualTo((8, 5)));
            Assert.That(errors[1].Message, Does.Contain("stepz").And.Contain("steps"), "an unknown key names itself and suggests the right one");
        });
    }

    [Test]
    public async Task Lint_accepts_a_good_file_and_warns_about_keys_that_have_no_effect_yet()
    {
        var result = await LintAsync("""
            jobs:
              deploy:
                services: [postgres]
                steps:
                  - run: ./deploy.sh
            """);

        Assert.That(result.GetProperty("valid").GetBoolean(), Is.True, result.ToString());
        Assert.That(result.GetProperty("errors").GetArrayLength(), Is.Zero);
        var warning = result.GetProperty("warnings").EnumerateArray().Single();
        Assert.That((warning.GetProperty("line").GetInt32(), warning.GetProperty("column").GetInt32()), Is.EqualTo((3, 5)));
        Assert.That(warning.GetProperty("message").GetString(), Does.Contain("services"));
    }

    [Test]
    public async Task A_run_of_a_file_that_fails_lint_ends_in_error_with_the_lint_messages()
    {
        var (_, project) = await ProjectWithAsync(BrokenPipeline);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo("error"), run.ToString());
            Assert.That(run.Jobs, Is.Empty);
            Assert.That(run.Error, Does.Contain(".comet.yml"));
            Assert.That(run.Error, Does.Contain("line 3, column 13").And.Contain("a → b → a"));
            Assert.That(run.Error, Does.Contain("line 8, column 5").And.Contain("stepz"));
            Assert.That(run.FinishedAt, Is.Not.Null);
        });
    }

    [Test]
    public async Task A_run_of_a_commit_without_a_pipeline_file_ends_in_error_naming_the_file()
    {
        var (repository, project) = await ProjectWithAsync(pipeline: null, files: new Dictionary<string, string> { ["README.md"] = "no CI here\n" });

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("error"), run.ToString());
        Assert.That(run.Error, Does.Contain(".comet.yml").And.Contain("not found"));
        Assert.That(run.CommitSha, Is.EqualTo(repository.HeadSha));
    }

    [Test]
    public async Task A_run_whose_repository_cannot_be_cloned_ends_in_error_with_gits_message()
    {
        var missing = Path.Combine(Path.GetTempPath(), "comet-missing-" + Guid.NewGuid().ToString("N"));
        var project = await Client.CreateProjectAsync("file://" + missing);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo("error"), run.ToString());
            Assert.That(run.Error, Does.Contain(missing));
            Assert.That(run.Error, Does.Contain("does not appear to be a git repository"), "git's own words reach the user");
        });
    }

    [Test]
    public async Task A_manual_run_with_a_bad_variable_name_or_ref_is_a_400_naming_the_field()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  one:\n    steps:\n      - run: 'true'\n");

        using var badVariable = await Client.PostAsync($"/api/v1/projects/{project.Slug}/runs",
            new StringContent("{\"variables\": {\"1-BAD NAME\": \"x\"}}", Encoding.UTF8, "application/json"));
        using var badRef = await Client.PostAsync($"/api/v1/projects/{project.Slug}/runs",
            new StringContent("{\"ref\": \"main..other\"}", Encoding.UTF8, "application/json"));

        var variableProblem = await badVariable.ReadProblemAsync(HttpStatusCode.BadRequest);
        var refProblem = await badRef.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(variableProblem.StringOrNull("detail"), Does.Contain("Variable '1-BAD NAME' is not a valid variable name"));
        Assert.That(refProblem.GetProperty("errors").TryGetProperty("ref", out _), Is.True, refProblem.ToString());
        Assert.That(await Client.ListRunsAsync(project.Slug), Is.Empty);
    }

    [Test]
    public async Task A_run_of_a_branch_that_does_not_exist_ends_in_error_naming_it()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  one:\n    steps:\n      - run: 'true'\n");

        var started = await Client.TriggerAsync(project.Slug, gitRef: "no-such-branch");
        var run = await Client.WaitForEndAsync(started.Id);

        Assert.That(run.Status, Is.EqualTo("error"), run.ToString());
        Assert.That(run.Error, Does.Contain("no-such-branch"));
    }

    [Test]
    public async Task Lint_refuses_an_alias_bomb_at_the_line_and_column_of_the_alias_that_passes_the_limit()
    {
        var result = await LintAsync(HostilePipelines.AliasBomb());

        Assert.That(result.GetProperty("valid").GetBoolean(), Is.False);
        var error = result.GetProperty("errors").EnumerateArray().Single();
        Assert.That((error.GetProperty("line").GetInt32(), error.GetProperty("column").GetInt32()), Is.EqualTo((45, 9)));
        Assert.That(error.GetProperty("message").GetString(), Does.StartWith("alias '*big' expands the file past the limit of 4,194,304 bytes (4 MiB)"));
    }

    [Test]
    public async Task A_run_of_an_alias_bomb_ends_in_error_with_the_line_and_column_of_the_alias_and_no_jobs()
    {
        var (_, project) = await ProjectWithAsync(HostilePipelines.AliasBomb());

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("error"), run.ToString());
        Assert.That(run.Jobs, Is.Empty);
        Assert.That(run.Error, Does.Contain("line 45, column 9: alias '*big' expands the file past the limit"));
    }

    [Test]
    public async Task A_run_of_a_pipeline_file_over_the_size_limit_ends_in_error_naming_its_size_and_the_limit()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  one:\n    steps: [make]\n# " + new string('x', 1024 * 1024) + "\n");

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("error"), run.ToString());
        Assert.That(run.Error, Is.EqualTo(".comet.yml: the pipeline file is 1,048,610 bytes; the limit is 1,048,576 bytes (1 MiB), set by Pipelines:MaxFileBytes"));
    }

    [Test]
    public async Task A_manual_run_with_a_NUL_in_its_ref_or_more_variables_than_the_limit_is_a_400_naming_the_problem()
    {
        var (_, project) = await ProjectWithAsync("jobs:\n  one:\n    steps:\n      - run: 'true'\n");
        var tooMany = string.Join(", ", Enumerable.Range(0, 101).Select(i => $"\"V{i}\": \"x\""));

        using var nulRef = await Client.PostAsync($"/api/v1/projects/{project.Slug}/runs",
            new StringContent("{\"ref\": \"main\\u0000\"}", Encoding.UTF8, "application/json"));
        using var variables = await Client.PostAsync($"/api/v1/projects/{project.Slug}/runs",
            new StringContent($"{{\"variables\": {{{tooMany}}}}}", Encoding.UTF8, "application/json"));

        var refProblem = await nulRef.ReadProblemAsync(HttpStatusCode.BadRequest);
        var variablesProblem = await variables.ReadProblemAsync(HttpStatusCode.BadRequest);
        Assert.That(refProblem.ToString(), Does.Contain("control character U+0000"));
        Assert.That(variablesProblem.StringOrNull("detail"), Does.Contain("The run has 101 variables; the limit is 100, set by Pipelines:MaxVariables."));
        Assert.That(await Client.ListRunsAsync(project.Slug), Is.Empty);
    }

    [Test]
    public async Task A_run_whose_jobs_would_copy_large_pipeline_variables_past_the_limit_ends_in_error_naming_the_job()
    {
        // 120 KB of variables, each within its own limit, in a 130 KB file; 200 copies would be 24 MB of job rows.
        var pipeline = $"variables:\n  A: {new string('a', 60_000)}\n  B: {new string('b', 60_000)}\njobs:\n"
            + string.Concat(Enumerable.Range(0, 200).Select(i => $"  job{i}: {{ steps: [make] }}\n"));
        var (_, project) = await ProjectWithAsync(pipeline);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("error"), run.ToString());
        Assert.That(run.Jobs, Is.Empty);
        Assert.That(run.Error, Does.Match(@"^\.comet\.yml: job 'job\d+' \(job \d+ of 200\) takes what this run stores past the limit of "
            + @"16,777,216 bytes \(16 MiB\), set by Pipelines:MaxRunBytes; every job, and every leg of a matrix, keeps its own copy"));
    }
}
