using Comet.Application.Pipelines;
using Comet.Application.Pipelines.Queries;
using Microsoft.Extensions.Options;

namespace Comet.Application.Tests.Pipelines;

public sealed class LintPipelineQueryTests
{
    private static Task<LintResult> Lint(string yaml, PipelineOptions? limits = null) =>
        new LintPipelineHandler(Options.Create(limits ?? new PipelineOptions())).Handle(new LintPipelineQuery(yaml), CancellationToken.None);

    [Test]
    public async Task Valid_file_with_a_warning_is_valid_and_lists_the_warning()
    {
        var result = await Lint("jobs:\n  test:\n    services: [postgres]\n    steps: [make test]\n");

        Assert.That(result.Valid, Is.True);
        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Warnings, Is.EqualTo(new[]
        {
            new PipelineDiagnostic(DiagnosticSeverity.Warning, 3, 5, "'services' is accepted but not implemented yet; it has no effect"),
        }));
    }

    [Test]
    public async Task File_with_errors_is_invalid_and_splits_errors_from_warnings()
    {
        var result = await Lint("jobs:\n  test:\n    services: [a]\n    retry: lots\n    steps: []\n");

        Assert.That(result.Valid, Is.False);
        Assert.That(result.Errors.Select(e => (e.Line, e.Column)), Is.EqualTo(new[] { (4, 12), (5, 5) }));
        Assert.That(result.Warnings.Select(w => (w.Line, w.Column)), Is.EqualTo(new[] { (3, 5) }));
    }

    [Test]
    public async Task Oversized_file_is_an_invalid_result_not_an_exception()
    {
        var result = await Lint(new string('#', new PipelineOptions().MaxFileBytes + 1));

        Assert.That(result.Valid, Is.False);
        Assert.That(result.Errors.Single().Message, Does.Contain("the limit is 1,048,576 bytes"));
    }

    [Test]
    public async Task Lint_applies_the_servers_limits_so_it_agrees_with_a_run()
    {
        const string threeJobs = "jobs:\n  a: { steps: [make] }\n  b: { steps: [make] }\n  c: { steps: [make] }\n";

        var byDefault = await Lint(threeJobs);
        var withTwoJobs = await Lint(threeJobs, new PipelineOptions { MaxJobsPerRun = 2 });

        Assert.That(byDefault.Valid, Is.True);
        Assert.That(withTwoJobs.Valid, Is.False);
        Assert.That(withTwoJobs.Errors.Single().Message, Does.StartWith("'jobs' has more than 2 jobs; a run may have at most 2"));
    }

    [Test]
    public async Task Missing_yaml_is_reported_as_an_empty_file()
    {
        var result = await Lint(null!);

        Assert.That(result.Valid, Is.False);
        Assert.That(result.Errors.Single().Message, Does.StartWith("the pipeline file is empty"));
    }
}
