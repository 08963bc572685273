using Comet.Application.Events;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Configuration;

public sealed class LiveEventOptionsValidator : IValidateOptions<LiveEventOptions>
{
    public ValidateOptionsResult Validate(string? name, LiveEventOptions options)
    {
        var failures = new List<string>();
        foreach (var (key, value) in new[]
                 {
                     ("RetainFor", options.RetainFor), ("Heartbeat", options.Heartbeat), ("PollInterval", options.PollInterval),
                     ("SweepInterval", options.SweepInterval),
                 })
        {
            if (value <= TimeSpan.Zero) failures.Add($"Events:{key} must be a positive time span (e.g. 00:00:15), not {value}.");
        }
        if (options.RetainCount < 1)
            failures.Add($"Events:RetainCount must be at least 1 (the newest events kept), not {options.RetainCount}.");
        if (options.ClientBuffer < 10)
            failures.Add($"Events:ClientBuffer must be at least 10 events, not {options.ClientBuffer}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
