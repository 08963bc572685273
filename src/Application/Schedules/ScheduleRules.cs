using Comet.Application.Common.Git;
using Comet.Application.Common.Validation;
using Comet.Application.Pipelines;
using Comet.Domain.Schedules;
using FluentValidation;

namespace Comet.Application.Schedules;

/// <summary>Field rules shared by create and update, so both refuse bad input with the same words.</summary>
public static class ScheduleRules
{
    public static IRuleBuilderOptions<T, string?> ValidScheduleName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(n => !string.IsNullOrWhiteSpace(n)).WithMessage("Name must not be empty.")
            .PlainDisplayText()
            .MaximumLength(Schedule.MaxNameLength).WithMessage($"Name must be at most {Schedule.MaxNameLength} characters.");

    /// <summary>Five fields Cronos accepts, and an expression that fires at all (not 30 February) in the given zone.</summary>
    public static IRuleBuilderOptionsConditions<T, string?> ValidCron<T>(this IRuleBuilder<T, string?> rule, Func<T, string?> timeZone, TimeProvider clock) =>
        rule.Custom((text, context) =>
        {
            if (text is not null && text.Length > Schedule.MaxCronLength)
            {
                context.AddFailure($"Cron is {text.Length} characters long; the limit is {Schedule.MaxCronLength}.");
                return;
            }
            var cron = ScheduleTimes.Parse(text, out var problem);
            if (cron is null)
            {
                context.AddFailure($"Cron '{Shown(text)}' {problem}.");
                return;
            }
            var zone = ScheduleTimes.FindZone(timeZone(context.InstanceToValidate) ?? "UTC", out _);
            if (zone is not null && cron.GetNextOccurrence(clock.GetUtcNow().UtcDateTime, zone) is null)
                context.AddFailure($"Cron '{Shown(text)}' never fires (no such date comes again).");
        });

    public static IRuleBuilderOptions<T, string?> ValidTimeZone<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(z => z is null || ScheduleTimes.FindZone(z, out _) is not null)
            .WithMessage((_, z) => { ScheduleTimes.FindZone(z, out var problem); return $"Time zone '{Shown(z)}' {problem}."; });

    /// <summary>A branch name as git accepts it; a schedule runs a branch's head, so not a tag or a full ref.</summary>
    public static IRuleBuilderOptionsConditions<T, string?> ValidBranch<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Custom((branch, context) =>
        {
            if (branch is null) return;
            if (GitRefName.Problem(branch) is { } problem)
                context.AddFailure($"Branch '{GitRefName.Shown(branch)}' is not a valid git branch name: it {problem}.");
            else if (branch.StartsWith("refs/", StringComparison.Ordinal))
                context.AddFailure($"Branch '{GitRefName.Shown(branch)}' must be a branch name such as main, not a full ref.");
        });


    /// <summary>Text as a message may quote it: control characters written as \uXXXX, a long text cut.</summary>
    private static string Shown(string? text) => text is null ? "" : GitRefName.Shown(text);
}
