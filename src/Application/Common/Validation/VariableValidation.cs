using Comet.Application.Pipelines;
using FluentValidation;

namespace Comet.Application.Common.Validation;

/// <summary>
/// Variables given through the API (a manual run's, a schedule's) are copied into every job of a run, like variables
/// in the pipeline file, so they meet the same Pipelines:MaxVariables limits and are refused with the same words.
/// </summary>
public static class VariableValidation
{
    /// <param name="owner">What the variables belong to, for the message: "run", "schedule".</param>
    public static IRuleBuilderOptionsConditions<T, Dictionary<string, string>?> WithinVariableLimits<T>(
        this IRuleBuilder<T, Dictionary<string, string>?> rule, PipelineOptions limits, string owner) =>
        rule.Custom((variables, context) =>
        {
            if (variables is null) return;
            if (VariableRules.CountProblem(variables.Count, limits) is { } tooMany)
            {
                context.AddFailure($"The {owner} {tooMany}.");
                return;
            }
            foreach (var (name, value) in variables)
            {
                if (VariableRules.NameProblem(name, limits) is { } badName)
                    context.AddFailure($"Variable '{VariableRules.Shown(name)}' {badName}.");
                else if (VariableRules.ValueProblem(value ?? "", limits) is { } badValue)
                    context.AddFailure($"The value of variable '{name}' {badValue}.");
            }
        });
}
