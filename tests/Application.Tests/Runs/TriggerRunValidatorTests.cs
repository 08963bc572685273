using Comet.Application.Pipelines;
using Comet.Application.Runs.Commands;
using Microsoft.Extensions.Options;

namespace Comet.Application.Tests.Runs;

/// <summary>What a manual run may carry: a ref git allows and variables within the limits the pipeline file has.</summary>
public sealed class TriggerRunValidatorTests
{
    private static IReadOnlyList<string> Problems(TriggerRunCommand command, PipelineOptions? limits = null) =>
        new TriggerRunValidator(Options.Create(limits ?? new PipelineOptions())).Validate(command).Errors.Select(e => e.ErrorMessage).ToList();

    private static Dictionary<string, string> Variables(int count, int valueLength = 1) =>
        Enumerable.Range(0, count).ToDictionary(i => $"V{i}", _ => new string('x', valueLength));

    [TestCase("main..other", "it contains '..'")]
    [TestCase("main\0", "it contains the control character U+0000")]
    [TestCase("main\u001f", "it contains the control character U+001F")]
    [TestCase("feature branch", "it contains ' '")]
    public void Ref_git_would_refuse_is_refused_with_the_reason(string gitRef, string reason)
    {
        var problem = Problems(new TriggerRunCommand { Slug = "p", Ref = gitRef }).Single();

        Assert.That(problem, Does.StartWith("Ref '").And.EndWith($"must be a branch name or a full ref such as refs/tags/v1.0; {reason}."));
    }

    [TestCase("main")]
    [TestCase("release/2.0")]
    [TestCase("refs/tags/v1.0")]
    public void Ref_git_allows_passes(string gitRef) =>
        Assert.That(Problems(new TriggerRunCommand { Slug = "p", Ref = gitRef }), Is.Empty);

    [Test]
    public void Variables_up_to_the_limit_pass_and_one_more_is_refused_naming_the_limit()
    {
        Assert.That(Problems(new TriggerRunCommand { Slug = "p", Variables = Variables(100) }), Is.Empty);
        Assert.That(Problems(new TriggerRunCommand { Slug = "p", Variables = Variables(101) }),
            Is.EqualTo(new[] { "The run has 101 variables; the limit is 100, set by Pipelines:MaxVariables." }));
    }

    [Test]
    public void Variable_value_over_the_limit_is_refused_naming_the_variable()
    {
        var variables = new Dictionary<string, string> { ["SMALL"] = "ok", ["BIG"] = new string('x', 64 * 1024 + 1) };

        Assert.That(Problems(new TriggerRunCommand { Slug = "p", Variables = variables }), Is.EqualTo(new[]
        {
            "The value of variable 'BIG' is 65,537 bytes; the limit for a variable's value is 65,536 bytes (64 KiB), set by Pipelines:MaxVariableValueBytes.",
        }));
    }

    [Test]
    public void Variable_name_that_is_too_long_or_not_a_name_is_refused()
    {
        var variables = new Dictionary<string, string> { [new string('A', 11)] = "x", ["1-BAD"] = "x" };

        Assert.That(Problems(new TriggerRunCommand { Slug = "p", Variables = variables }, new PipelineOptions { MaxVariableNameLength = 10 }), Is.EqualTo(new[]
        {
            "Variable 'AAAAAAAAAAA' is 11 characters long; the limit for a variable name is 10, set by Pipelines:MaxVariableNameLength.",
            "Variable '1-BAD' is not a valid variable name; use letters, digits and '_', not starting with a digit.",
        }));
    }
}
