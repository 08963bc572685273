using System.Threading.RateLimiting;

namespace Comet.Gateway.RateLimiting;

/// <summary>What is limited: one client on one route, under that route's rule.</summary>
public readonly record struct ClientOnRoute(string RouteKey, string ClientId, RateLimitRule Rule);

/// <summary>
/// The gateway's limiter in System.Threading.RateLimiting's terms: partitioned by route and client, one permit per
/// request, fixed windows counted by an <see cref="IWindowCounter"/> (this process, or Redis for several).
/// </summary>
public sealed class ClientWindowRateLimiter(IWindowCounter counter) : PartitionedRateLimiter<ClientOnRoute>
{
    public override RateLimiterStatistics? GetStatistics(ClientOnRoute resource) => null;

    protected override RateLimitLease AttemptAcquireCore(ClientOnRoute resource, int permitCount)
    {
        var pending = AcquireAsyncCore(resource, permitCount, CancellationToken.None);
        return pending.IsCompleted ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(ClientOnRoute resource, int permitCount, CancellationToken cancellationToken)
    {
        var state = await counter.HitAsync(resource.RouteKey + "|" + resource.ClientId, resource.Rule, cancellationToken);
        return new WindowLease(resource.Rule, state);
    }
}

/// <summary>The answer for one request, with what the rate-limit headers report.</summary>
public sealed class WindowLease(RateLimitRule rule, WindowState state) : RateLimitLease
{
    public override bool IsAcquired => state.IsAllowed(rule.Limit);
    public long Limit => rule.Limit;
    public long Remaining => Math.Max(0, rule.Limit - state.Count);
    public TimeSpan ResetsIn => state.ResetsIn;

    /// <summary>How long a refused client should wait: the ban, else the rest of the window.</summary>
    public TimeSpan RetryAfter => state.BannedFor > TimeSpan.Zero ? state.BannedFor : state.ResetsIn;

    public override IEnumerable<string> MetadataNames => IsAcquired ? [] : [MetadataName.RetryAfter.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (!IsAcquired && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = RetryAfter;
            return true;
        }
        metadata = null;
        return false;
    }
}
