using Polly;
using Polly.CircuitBreaker;

namespace Comet.Gateway.Resilience;

/// <summary>
/// A route's QoSOptions as a Polly pipeline around the call to its downstream (until the response headers):
/// a circuit breaker outside, a timeout inside, so that timeouts count as failures.
/// </summary>
public sealed class DownstreamResilience
{
    /// <summary>Polly's breaker measures failure ratios over a window; this long a window, and a ratio of 1, means
    /// "the last N calls all failed", which is what Ocelot's ExceptionsAllowedBeforeBreaking meant.</summary>
    private static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultBreak = TimeSpan.FromSeconds(5);

    private DownstreamResilience(ResiliencePipeline<HttpResponseMessage> pipeline, TimeSpan timeout, TimeSpan breakDuration,
        CircuitBreakerStateProvider? breaker)
    {
        Pipeline = pipeline;
        Timeout = timeout;
        BreakDuration = breakDuration;
        Breaker = breaker;
    }

    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; }
    public TimeSpan Timeout { get; }
    public TimeSpan BreakDuration { get; }

    /// <summary>The breaker's state, for metrics; null when the route has none.</summary>
    public CircuitBreakerStateProvider? Breaker { get; }

    /// <param name="failuresBeforeBreaking">0: no breaker.</param>
    public static DownstreamResilience Create(int failuresBeforeBreaking, TimeSpan breakDuration, TimeSpan timeout)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage>();
        CircuitBreakerStateProvider? state = null;
        if (failuresBeforeBreaking > 0)
        {
            state = new CircuitBreakerStateProvider();
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = 1.0,
                MinimumThroughput = failuresBeforeBreaking,
                SamplingDuration = SamplingDuration,
                BreakDuration = breakDuration,
                StateProvider = state,
                ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
            });
        }
        builder.AddTimeout(timeout);
        return new DownstreamResilience(builder.Build(), timeout, breakDuration, state);
    }

    /// <summary>Unreachable, timed out, or a 5xx the downstream itself gave up with; never the client going away.</summary>
    private static bool IsFailure(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        null => (int?)outcome.Result?.StatusCode is 500 or 502 or 503 or 504,
        OperationCanceledException => false, // the client went away (Polly reports its own timeouts as TimeoutRejectedException)
        _ => true,
    };

    /// <summary>0 closed, 1 open, 2 half-open (and isolated counts as open).</summary>
    public int BreakerStateCode => Breaker?.CircuitState switch
    {
        CircuitState.Open or CircuitState.Isolated => 1,
        CircuitState.HalfOpen => 2,
        _ => 0,
    };
}
