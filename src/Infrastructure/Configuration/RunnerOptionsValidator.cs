using Comet.Application.Runs.Execution;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Configuration;

public sealed class RunnerOptionsValidator : IValidateOptions<RunnerOptions>
{
    public ValidateOptionsResult Validate(string? name, RunnerOptions options)
    {
        var failures = new List<string>();
        if (options.MaxParallelJobs is < 1 or > 1024)
            failures.Add($"Runner:MaxParallelJobs must be between 1 and 1024, not {options.MaxParallelJobs}.");
        if (options.MaxLogBytes < 1024)
            failures.Add($"Runner:MaxLogBytes must be at least 1024 bytes, not {options.MaxLogBytes}.");
        foreach (var (key, value) in new[]
                 {
                     ("KillGracePeriod", options.KillGracePeriod), ("LeaseDuration", options.LeaseDuration),
                     ("PollInterval", options.PollInterval), ("DefaultJobTimeout", options.DefaultJobTimeout), ("GitTimeout", options.GitTimeout),
                 })
        {
            if (value <= TimeSpan.Zero) failures.Add($"Runner:{key} must be a positive time span (e.g. 00:00:30), not {value}.");
        }
        if (!JobBackendNames.All.Contains(options.Backend))
            failures.Add($"Runner:Backend must be one of {string.Join(", ", JobBackendNames.All)}, not '{options.Backend}'.");
        if (options.JobMemoryBytes < 0 || options.SandboxMaxProcesses < 0)
            failures.Add("Runner:JobMemoryBytes and Runner:SandboxMaxProcesses must be 0 (no limit) or positive.");
        if (options.SandboxTmpBytes < 1024 * 1024)
            failures.Add($"Runner:SandboxTmpBytes must be at least 1 MiB, not {options.SandboxTmpBytes}.");
        if (options.LeaseDuration < TimeSpan.FromSeconds(1))
            failures.Add("Runner:LeaseDuration must be at least 1 second: the heartbeat renews it every third of it.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
