using System.Collections.Concurrent;

namespace Comet.Application.Identity;

/// <summary>Settings under "Identity:LoginThrottle".</summary>
public sealed class LoginThrottleOptions
{
    public const string Section = "Identity:LoginThrottle";

    /// <summary>Failures against one account (from any address) after which each further attempt waits a second more, up to 5 s.</summary>
    public int SlowAfter { get; set; } = 3;

    /// <summary>
    /// Failures against one account from one client address within <see cref="Window"/> after which that address may
    /// not sign in to that account for <see cref="LockDuration"/>. Other addresses still may: a guesser cannot lock
    /// the real user out.
    /// </summary>
    public int LockAfter { get; set; } = 10;

    /// <summary>Failures from one client address across all accounts (password spraying) after which it may not sign in at all.</summary>
    public int AddressLockAfter { get; set; } = 50;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Counts failed sign-ins (in this process) per account and client address together, and per client address alone;
/// slows repeated failures against an account and then refuses for a while. A lock never reaches past the address
/// that earned it, so someone guessing from elsewhere cannot keep the real user out; the price is that an attacker
/// with many addresses gets <see cref="LoginThrottleOptions.LockAfter"/> guesses per address (docs/SECURITY.md).
/// Unknown usernames are counted like real ones, so the answers never tell who exists.
/// </summary>
public sealed class LoginThrottle(Microsoft.Extensions.Options.IOptions<LoginThrottleOptions> settings, TimeProvider clock)
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>Requests with no address (in-process calls) share one: they are still counted, never left uncounted.</summary>
    private const string NoAddress = "-";

    private readonly LoginThrottleOptions _options = settings.Value;
    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.Ordinal);

    /// <summary>How long this attempt must wait before it is even checked, or throws when it is refused.</summary>
    public TimeSpan Admit(string normalizedUsername, string? address)
    {
        var now = clock.GetUtcNow();
        address ??= NoAddress;
        var pair = Current(PairKey(normalizedUsername, address), now);
        var client = Current(AddressKey(address), now);
        var lockedUntil = Max(pair?.LockedUntil, client?.LockedUntil);
        if (lockedUntil > now)
            throw new Common.Exceptions.TooManyAttemptsException("Too many failed sign-ins. Wait and try again.", lockedUntil.Value - now);
        // The delay follows the account's failures from everywhere: it costs a guesser on many addresses time per
        // guess, and the real user at most a few seconds, never a lock.
        var count = Current(AccountKey(normalizedUsername), now)?.Count ?? 0;
        return count < _options.SlowAfter ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, count - _options.SlowAfter + 1));
    }

    public void Failed(string normalizedUsername, string? address)
    {
        var now = clock.GetUtcNow();
        address ??= NoAddress;
        Count(PairKey(normalizedUsername, address), _options.LockAfter, now);
        Count(AccountKey(normalizedUsername), lockAfter: null, now);
        Count(AddressKey(address), _options.AddressLockAfter, now);
        if (_failures.Count > 100_000) Sweep(now);
    }

    /// <summary>
    /// A correct password ends this address's run of failures against the account, and the account's slow-down
    /// (not the address's count across accounts).
    /// </summary>
    public void Succeeded(string normalizedUsername, string? address)
    {
        _failures.TryRemove(PairKey(normalizedUsername, address ?? NoAddress), out _);
        _failures.TryRemove(AccountKey(normalizedUsername), out _);
    }

    // An address never holds a newline, so the pair key cannot be forged by a username that does.
    private static string PairKey(string username, string address) => $"pair:{address}\n{username}";
    private static string AccountKey(string username) => "user:" + username;
    private static string AddressKey(string address) => "address:" + address;

    private Failures? Current(string key, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var failures)) return null;
        lock (failures)
            return failures.WindowEnds > now || failures.LockedUntil > now ? failures : null;
    }

    private void Count(string key, int? lockAfter, DateTimeOffset now)
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
