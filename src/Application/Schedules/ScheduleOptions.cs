using Microsoft.Extensions.Options;

namespace Comet.Application.Schedules;

/// <summary>Settings under <c>Schedules:</c>.</summary>
public sealed class ScheduleOptions
{
    public const string Section = "Schedules";

    /// <summary>
    /// How often the scheduler looks for due slots. A slot fires within this much of its time; cron has minute
    /// resolution, so anything under a minute is on time.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Schedules one project may have: each can start a run every minute, so a project cannot ask for thousands.</summary>
    public int MaxPerProject { get; set; } = 50;
}

/// <summary>Refuses settings that would make the scheduler spin or never look, at start, with the setting's name.</summary>
public sealed class ScheduleOptionsValidator : IValidateOptions<ScheduleOptions>
{
    public ValidateOptionsResult Validate(string? name, ScheduleOptions options)
    {
        var failures = new List<string>();
        if (options.PollInterval < TimeSpan.FromMilliseconds(10) || options.PollInterval > TimeSpan.FromMinutes(1))
            failures.Add($"Schedules:PollInterval must be between 00:00:00.010 and 00:01:00 (slots are minutes apart), not {options.PollInterval}.");
        if (options.MaxPerProject < 1)
            failures.Add($"Schedules:MaxPerProject must be at least 1, not {options.MaxPerProject}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
