using StackExchange.Redis;

namespace Comet.Gateway.RateLimiting;

/// <summary>
/// Windows kept in Redis, so that every gateway process counts against one limit. One Lua script per request makes
/// the count, the window's expiry and the ban atomic. While Redis cannot be reached the gateway keeps serving on
/// this process's own counters and says so once in the log.
/// </summary>
public sealed class RedisWindowCounter : IWindowCounter, IDisposable
{
    // KEYS[1] window counter, KEYS[2] ban flag; ARGV[1] window ms, ARGV[2] limit, ARGV[3] ban ms.
    // Returns {count, ms until the window ends, ms banned}; a banned client gets count -1.
    private const string HitScript = """
        local banned = redis.call('PTTL', KEYS[2])
        if banned > 0 then return {-1, redis.call('PTTL', KEYS[1]), banned} end
        local count = redis.call('INCR', KEYS[1])
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl < 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
          ttl = tonumber(ARGV[1])
        end
        local ban = tonumber(ARGV[3])
        if count > tonumber(ARGV[2]) and ban > 0 then
          redis.call('SET', KEYS[2], '1', 'PX', ban)
          return {count, ttl, ban}
        end
        return {count, ttl, 0}
        """;

    private readonly LocalWindowCounter _fallback;
    private readonly ILogger<RedisWindowCounter> _logger;
    private readonly Task<ConnectionMultiplexer?> _connection;
    private int _outage;

    public RedisWindowCounter(string configuration, LocalWindowCounter fallback, ILogger<RedisWindowCounter> logger)
    {
        _fallback = fallback;
        _logger = logger;
        _connection = ConnectAsync(configuration);
    }

    public async ValueTask<WindowState> HitAsync(string key, RateLimitRule rule, CancellationToken cancellationToken)
    {
        var redis = _connection.IsCompletedSuccessfully ? _connection.Result : null;
        if (redis is null || !redis.IsConnected)
        {
            NoteOutage("Redis is not connected");
            return await _fallback.HitAsync(key, rule, cancellationToken);
        }
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(HitScript,
                [(RedisKey)("comet:ratelimit:{" + key + "}"), (RedisKey)("comet:ratelimit:{" + key + "}:ban")],
                [(long)rule.Period.TotalMilliseconds, rule.Limit, (long)rule.Ban.TotalMilliseconds]))!;
            NoteRecovery();
            var count = (long)result[0];
            return new WindowState(count < 0 ? rule.Limit + 1 : count,
                TimeSpan.FromMilliseconds(Math.Max(0, (long)result[1])), TimeSpan.FromMilliseconds((long)result[2]));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            NoteOutage(ex.Message);
            return await _fallback.HitAsync(key, rule, cancellationToken);
        }
    }

    private async Task<ConnectionMultiplexer?> ConnectAsync(string configuration)
    {
        try
        {
            var options = ConfigurationOptions.Parse(configuration);
            // Keep trying in the background rather than failing: the gateway must start and serve without Redis.
            options.AbortOnConnectFail = false;
            options.ConnectTimeout = 2000;
            options.SyncTimeout = 1000;
            return await ConnectionMultiplexer.ConnectAsync(options);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Redis '{Configuration}' cannot be used; rate limits are counted per gateway process", configuration);
            return null;
        }
    }

    private void NoteOutage(string reason)
    {
        if (Interlocked.Exchange(ref _outage, 1) == 0)
            _logger.LogWarning("Rate limits are counted per gateway process until Redis is reachable again: {Reason}", reason);
    }

    private void NoteRecovery()
    {
        if (Interlocked.Exchange(ref _outage, 0) == 1)
            _logger.LogInformation("Redis is reachable again; rate limits are shared by all gateway processes");
    }

    public void Dispose()
    {
        if (_connection.IsCompletedSuccessfully) _connection.Result?.Dispose();
    }
}
