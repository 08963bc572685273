using System.Collections.Concurrent;

namespace Comet.Gateway.RateLimiting;

/// <summary>A client's fixed window after one more request: how many it has made, when the window ends, how long it is banned.</summary>
public readonly record struct WindowState(long Count, TimeSpan ResetsIn, TimeSpan BannedFor)
{
    public bool IsAllowed(long limit) => BannedFor <= TimeSpan.Zero && Count <= limit;
}

/// <summary>Counts requests in fixed windows that start with a client's first request, in memory or in Redis.</summary>
public interface IWindowCounter
{
    ValueTask<WindowState> HitAsync(string key, RateLimitRule rule, CancellationToken cancellationToken);
}

/// <summary>Counters for this process only; idle windows are swept so memory follows the active clients.</summary>
public sealed class LocalWindowCounter(TimeProvider time) : IWindowCounter
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private long _hitsSinceSweep;

    public ValueTask<WindowState> HitAsync(string key, RateLimitRule rule, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (Interlocked.Increment(ref _hitsSinceSweep) % 10_000 == 0) Sweep(now);
        var window = _windows.GetOrAdd(key, _ => new Window());
        lock (window)
        {
            if (window.BannedUntil > now)
                return ValueTask.FromResult(new WindowState(rule.Limit + 1, window.EndsAt - now, window.BannedUntil - now));
            if (now >= window.EndsAt)
            {
                window.EndsAt = now + rule.Period;
                window.Count = 0;
            }
            window.Count++;
            var bannedFor = TimeSpan.Zero;
            if (window.Count > rule.Limit && rule.Ban > TimeSpan.Zero)
            {
                window.BannedUntil = now + rule.Ban;
                bannedFor = rule.Ban;
            }
            return ValueTask.FromResult(new WindowState(window.Count, window.EndsAt - now, bannedFor));
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, window) in _windows)
        {
            lock (window)
            {
                if (window.EndsAt <= now && window.BannedUntil <= now) _windows.TryRemove(key, out _);
            }
        }
    }

    private sealed class Window
    {
        public DateTimeOffset EndsAt;
        public DateTimeOffset BannedUntil;
        public long Count;
    }
}
