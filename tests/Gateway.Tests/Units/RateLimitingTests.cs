using System.Threading.RateLimiting;
using Comet.Gateway.RateLimiting;

namespace Comet.Gateway.Tests.Units;

public sealed class RateLimitingTests
{
    private static RateLimitRule Rule(long limit, TimeSpan period, TimeSpan? ban = null, string? periodText = null) => new()
    {
        PeriodText = periodText ?? "test",
        Period = period,
        Limit = limit,
        Ban = ban ?? TimeSpan.Zero,
        Whitelist = new HashSet<string>(),
    };

    private static WindowState Hit(LocalWindowCounter counter, string key, RateLimitRule rule) =>
        counter.HitAsync(key, rule, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    [TestCase("1s", 1_000)]
    [TestCase("5m", 300_000)]
    [TestCase("1h", 3_600_000)]
    [TestCase("1d", 86_400_000)]
    [TestCase("500ms", 500)]
    [TestCase("1.5s", 1_500)]
    [TestCase(" 2 s ", 2_000)]
    public void Period_notation_is_read(string text, long milliseconds)
    {
        Assert.That(RateLimitRule.ParsePeriod(text), Is.EqualTo(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [TestCase("1w")]
    [TestCase("1")]
    [TestCase("s")]
    [TestCase("-1s")]
    [TestCase("1S")]
    [TestCase("1 sec")]
    [TestCase("")]
    [TestCase(null)]
    public void Bad_period_is_refused_with_the_notation(string? text)
    {
        var error = Assert.Throws<FormatException>(() => RateLimitRule.ParsePeriod(text));

        Assert.That(error!.Message, Is.EqualTo($"'{text}' is not a period; write a number and ms, s, m, h or d, like 1s, 5m, 1h or 1d."));
    }

    [TestCase("0s")]
    [TestCase("0.0001s")]
    public void Period_shorter_than_a_millisecond_is_refused(string text)
    {
        var error = Assert.Throws<FormatException>(() => RateLimitRule.ParsePeriod(text));

        Assert.That(error!.Message, Is.EqualTo($"'{text}' is shorter than a millisecond."));
    }

    [Test]
    public void Period_too_long_for_a_clock_is_refused_as_a_bad_period()
    {
        Assert.That(() => RateLimitRule.ParsePeriod("99999999999d"), Throws.TypeOf<FormatException>());
    }

    [Test]
    public void Default_quota_message_names_limit_and_period()
    {
        var answer = new RateLimitAnswer();

        Assert.That(answer.MessageFor(Rule(3, TimeSpan.FromSeconds(1), periodText: "1s")),
            Is.EqualTo("API calls quota exceeded! maximum admitted 3 per 1s."));
    }

    [Test]
    public void Custom_quota_message_fills_limit_and_period()
    {
        var answer = new RateLimitAnswer { QuotaExceededMessage = "Slow down: {0} calls per {1} {{max}}" };

        Assert.That(answer.MessageFor(Rule(1000, TimeSpan.FromMinutes(5), periodText: "5m")), Is.EqualTo("Slow down: 1000 calls per 5m {max}"));
    }

    [Test]
    public void Requests_up_to_the_limit_pass_and_the_next_is_refused()
    {
        var counter = new LocalWindowCounter(new ManualClock());
        var rule = Rule(3, TimeSpan.FromSeconds(1));

        var states = Enumerable.Range(0, 4).Select(_ => Hit(counter, "client", rule)).ToList();

        Assert.That(states.Select(s => s.Count), Is.EqualTo(new long[] { 1, 2, 3, 4 }));
        Assert.That(states.Select(s => s.IsAllowed(rule.Limit)), Is.EqualTo(new[] { true, true, true, false }));
    }

    [Test]
    public void Window_starts_with_the_first_request_and_resets_after_the_period()
    {
        var clock = new ManualClock();
        var counter = new LocalWindowCounter(clock);
        var rule = Rule(2, TimeSpan.FromSeconds(1));

        Hit(counter, "client", rule);
        clock.Advance(TimeSpan.FromMilliseconds(600));
        var second = Hit(counter, "client", rule);
        clock.Advance(TimeSpan.FromMilliseconds(300));
        var refused = Hit(counter, "client", rule);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        var fresh = Hit(counter, "client", rule);

        Assert.That(second.ResetsIn, Is.EqualTo(TimeSpan.FromMilliseconds(400)));
        Assert.That(refused.IsAllowed(rule.Limit), Is.False);
        Assert.That(refused.ResetsIn, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
        Assert.That(fresh.IsAllowed(rule.Limit), Is.True);
        Assert.That(fresh.Count, Is.EqualTo(1));
        Assert.That(fresh.ResetsIn, Is.EqualTo(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void Without_a_ban_the_client_is_refused_until_the_window_ends()
    {
        var clock = new ManualClock();
        var counter = new LocalWindowCounter(clock);
        var rule = Rule(1, TimeSpan.FromSeconds(10));

        Hit(counter, "client", rule);
        clock.Advance(TimeSpan.FromSeconds(1));
        var refused = Hit(counter, "client", rule);
        clock.Advance(TimeSpan.FromSeconds(8.999));
        var stillRefused = Hit(counter, "client", rule);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var allowed = Hit(counter, "client", rule);

        Assert.That(refused.IsAllowed(rule.Limit), Is.False);
        Assert.That(refused.BannedFor, Is.EqualTo(TimeSpan.Zero));
        Assert.That(refused.ResetsIn, Is.EqualTo(TimeSpan.FromSeconds(9)));
        Assert.That(stillRefused.IsAllowed(rule.Limit), Is.False);
        Assert.That(allowed.IsAllowed(rule.Limit), Is.True);
    }

    [Test]
    public void Ban_keeps_refusing_after_the_window_until_it_ends()
    {
        var clock = new ManualClock();
        var counter = new LocalWindowCounter(clock);
        var rule = Rule(1, TimeSpan.FromSeconds(1), ban: TimeSpan.FromSeconds(10));

        var first = Hit(counter, "client", rule);
        var over = Hit(counter, "client", rule);
        clock.Advance(TimeSpan.FromSeconds(5)); // the 1 s window is long over
        var banned = Hit(counter, "client", rule);
        clock.Advance(TimeSpan.FromSeconds(5));
        var free = Hit(counter, "client", rule);

        Assert.That(first.IsAllowed(rule.Limit), Is.True);
        Assert.That(over.IsAllowed(rule.Limit), Is.False);
        Assert.That(over.BannedFor, Is.EqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(banned.IsAllowed(rule.Limit), Is.False);
        Assert.That(banned.BannedFor, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(free.IsAllowed(rule.Limit), Is.True);
        Assert.That(free.Count, Is.EqualTo(1));
    }

    [Test]
    public void Separate_keys_count_independently()
    {
        var counter = new LocalWindowCounter(new ManualClock());
        var rule = Rule(1, TimeSpan.FromMinutes(1));

        Hit(counter, "route|alice", rule);
        var aliceAgain = Hit(counter, "route|alice", rule);
        var bob = Hit(counter, "route|bob", rule);

        Assert.That(aliceAgain.IsAllowed(rule.Limit), Is.False);
        Assert.That(bob.IsAllowed(rule.Limit), Is.True);
        Assert.That(bob.Count, Is.EqualTo(1));
    }

    [Test]
    public void Allowed_lease_reports_what_is_left_and_no_retry_after()
    {
        using var limiter = new ClientWindowRateLimiter(new LocalWindowCounter(new ManualClock()));
        var resource = new ClientOnRoute("GET /cards", "alice", Rule(3, TimeSpan.FromSeconds(30)));

        limiter.AttemptAcquire(resource).Dispose();
        using var lease = (WindowLease)limiter.AttemptAcquire(resource);

        Assert.That(lease.IsAcquired, Is.True);
        Assert.That(lease.Limit, Is.EqualTo(3));
        Assert.That(lease.Remaining, Is.EqualTo(1));
        Assert.That(lease.ResetsIn, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(lease.TryGetMetadata(MetadataName.RetryAfter, out _), Is.False);
    }

    [Test]
    public async Task Refused_lease_says_retry_after_the_rest_of_the_window()
    {
        var clock = new ManualClock();
        using var limiter = new ClientWindowRateLimiter(new LocalWindowCounter(clock));
        var resource = new ClientOnRoute("GET /cards", "alice", Rule(1, TimeSpan.FromSeconds(30)));

        (await limiter.AcquireAsync(resource)).Dispose();
        clock.Advance(TimeSpan.FromSeconds(12));
        using var lease = await limiter.AcquireAsync(resource);

        Assert.That(lease.IsAcquired, Is.False);
        Assert.That(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter), Is.True);
        Assert.That(retryAfter, Is.EqualTo(TimeSpan.FromSeconds(18)));
        Assert.That(((WindowLease)lease).Remaining, Is.Zero);
    }

    [Test]
    public void Refused_lease_under_a_ban_says_retry_after_the_ban()
    {
        using var limiter = new ClientWindowRateLimiter(new LocalWindowCounter(new ManualClock()));
        var resource = new ClientOnRoute("GET /cards", "alice", Rule(1, TimeSpan.FromSeconds(1), ban: TimeSpan.FromSeconds(60)));

        limiter.AttemptAcquire(resource).Dispose();
        using var lease = limiter.AttemptAcquire(resource);

        Assert.That(lease.IsAcquired, Is.False);
        Assert.That(lease.MetadataNames, Is.EqualTo(new[] { MetadataName.RetryAfter.Name }));
        Assert.That(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter), Is.True);
        Assert.That(retryAfter, Is.EqualTo(TimeSpan.FromSeconds(60)));
    }

    [Test]
    public void Limiter_partitions_by_route_and_by_client()
    {
        using var limiter = new ClientWindowRateLimiter(new LocalWindowCounter(new ManualClock()));
        var rule = Rule(1, TimeSpan.FromMinutes(1));

        limiter.AttemptAcquire(new ClientOnRoute("GET /cards", "alice", rule)).Dispose();

        Assert.That(limiter.AttemptAcquire(new ClientOnRoute("GET /cards", "alice", rule)).IsAcquired, Is.False);
        Assert.That(limiter.AttemptAcquire(new ClientOnRoute("GET /cards", "bob", rule)).IsAcquired, Is.True);
        Assert.That(limiter.AttemptAcquire(new ClientOnRoute("GET /boards", "alice", rule)).IsAcquired, Is.True);
    }
}
