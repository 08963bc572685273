using System.Collections.Concurrent;

namespace Comet.Application.Identity;

/// <summary>Settings under "Identity:LoginThrottle".</summary>
public sealed class LoginThrottleOptions
{
    public const string Section = "Identity:LoginThrottle";

    /// <summary>Failures (per username) after which each further attempt waits a second more, up to 5 s.</summary>
    public int SlowAfter { get; set; } = 3;

    /// <summary>Failures per username within <see cref="Window"/> after which sign-in is refused for <see cref="LockDuration"/>.</summary>
    public int LockAfter { get; set; } = 10;

    /// <summary>The same for one client address, across usernames (password spraying).</summary>
    public int AddressLockAfter { get; set; } = 50;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Counts failed sign-ins per username and per client address (in this process), slows repeated failures and then
/// refuses for a while. Unknown usernames are counted like real ones, so the answers never tell who exists.
/// </summary>
public sealed class LoginThrottle(Microsoft.Extensions.Options.IOptions<LoginThrottleOptions> settings, TimeProvider clock)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private readonly LoginThrottleOptions _options = settings.Value;
    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    /// <summary>How long this attempt must wait before it is even checked, or throws when it is refused.</summary>
    public TimeSpan Admit(string normalizedUsername, string? address)
    {
        var now = clock.GetUtcNow();
        var user = Current("user:" + normalizedUsername, now);
        var client = address is null ? null : Current("address:" + address, now);
        var lockedUntil = Max(user?.LockedUntil, client?.LockedUntil);
        if (lockedUntil > now)
            throw new Common.Exceptions.TooManyAttemptsException("Too many failed sign-ins. Wait and try again.", lockedUntil.Value - now);
        var count = user?.Count ?? 0;
        return count < _options.SlowAfter ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, count - _options.SlowAfter + 1));
    }

    public void Failed(string normalizedUsername, string? address)
    {
        var now = clock.GetUtcNow();
        Count("user:" + normalizedUsername, _options.LockAfter, now);
        if (address is not null) Count("address:" + address, _options.AddressLockAfter, now);
        if (_failures.Count > 100_000) Sweep(now);
    }

    /// <summary>A correct password ends the username's run of failures (not the address's).</summary>
    public void Succeeded(string normalizedUsername) => _failures.TryRemove("user:" + normalizedUsername, out _);

    private Failures? Current(string key, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var failures)) return null;
        lock (failures)
            return failures.WindowEnds > now || failures.LockedUntil > now ? failures : null;
    }

    private void Count(string key, int lockAfter, DateTimeOffset now)
    {
        var failures = _failures.GetOrAdd(key, _ => new Failures());
        lock (failures)
        {
            if (failures.WindowEnds <= now && failures.LockedUntil <= now)
            {
                failures.Count = 0;
                failures.WindowEnds = now + _options.Window;
            }
            failures.Count++;
            if (failures.Count >= lockAfter) failures.LockedUntil = now + _options.LockDuration;
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, failures) in _failures)
            lock (failures)
                if (failures.WindowEnds <= now && failures.LockedUntil <= now) _failures.TryRemove(key, out _);
    }

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private sealed class Failures
    {
        public int Count;
        public DateTimeOffset WindowEnds;
        public DateTimeOffset LockedUntil;
    }
}
