using Microsoft.Extensions.Options;

namespace Comet.Application.Outbound;

/// <summary>Settings under "Outbox": how the outbox worker retries, gives up and spreads its work.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>The first retry waits up to this (full jitter); each further one up to twice as long, to <see cref="MaxDelay"/>.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>After this many attempts that asked for a retry, the message is dead.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>A message whose next attempt would come this long after it was written is dead instead.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the worker looks for due messages when no commit woke it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries in flight at once on this node.</summary>
    public int Concurrency { get; set; } = 8;

    /// <summary>How long a claimed message stays this node's; a crashed node's claims lapse after it. Longer than a send.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>A destination's breaker opens when at least this many attempts in <see cref="BreakerSamplingDuration"/> …</summary>
    public int BreakerMinimumThroughput { get; set; } = 5;

    /// <summary>… and at least this share of them asked for a retry (5xx, timeouts, refused connections).</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an open breaker keeps messages for its destination waiting before one is tried again.</summary>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions o)
    {
        var problems = new List<string>();
        if (o.BaseDelay <= TimeSpan.Zero) problems.Add("Outbox:BaseDelay must be positive.");
        if (o.MaxDelay < o.BaseDelay) problems.Add("Outbox:MaxDelay must be at least Outbox:BaseDelay.");
        if (o.MaxAttempts is < 1 or > 1000) problems.Add("Outbox:MaxAttempts must be from 1 to 1000.");
        if (o.MaxAge <= TimeSpan.Zero) problems.Add("Outbox:MaxAge must be positive.");
        if (o.PollInterval <= TimeSpan.Zero) problems.Add("Outbox:PollInterval must be positive.");
        if (o.Concurrency is < 1 or > 256) problems.Add("Outbox:Concurrency must be from 1 to 256.");
        if (o.LeaseDuration < TimeSpan.FromSeconds(15)) problems.Add("Outbox:LeaseDuration must be at least 15s (longer than one send).");
        if (o.BreakerMinimumThroughput < 2) problems.Add("Outbox:BreakerMinimumThroughput must be at least 2.");
        if (o.BreakerFailureRatio is <= 0 or > 1) problems.Add("Outbox:BreakerFailureRatio must be above 0 and at most 1.");
        if (o.BreakerSamplingDuration < TimeSpan.FromMilliseconds(500)) problems.Add("Outbox:BreakerSamplingDuration must be at least 0.5s.");
        if (o.BreakerDuration < TimeSpan.FromMilliseconds(500)) problems.Add("Outbox:BreakerDuration must be at least 0.5s.");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>Settings under "Outbound": what outbound calls may reach.</summary>
public sealed class OutboundOptions
{
    public const string Section = "Outbound";

    /// <summary>Let outbound calls reach loopback, link-local and private addresses (a forge on the LAN, tests). Off by default.</summary>
    public bool AllowPrivateAddresses { get; set; }
}
