using Polly;
using Polly.CircuitBreaker;

namespace Comet.Gateway.Resilience;

/// <summary>
/// A route's QoSOptions as a Polly pipeline around the call to its downstream (until the response headers):
/// a circuit breaker outside, a timeout inside, so that timeouts count as failures.
/// </summary>
public sealed class DownstreamResilience
{
    /// <summary>Polly's breaker measures failure ratios over a window. A ratio of 1 over at least N calls, with the
    /// statistics reset after every success (<see cref="SendAsync"/>), means "the last N calls all failed", which is
    /// what Ocelot's ExceptionsAllowedBeforeBreaking meant. Without the reset, one success in the window would keep
    /// the ratio under 1 and the breaker closed however many failures follow.</summary>
    private static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(30);

    private readonly CircuitBreakerManualControl? _control;

    public static readonly TimeSpan DefaultBreak = TimeSpan.FromSeconds(5);

    private DownstreamResilience(ResiliencePipeline<HttpResponseMessage> pipeline, TimeSpan timeout, TimeSpan breakDuration,
        CircuitBreakerStateProvider? breaker, CircuitBreakerManualControl? control)
    {
        _control = control;
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
        CircuitBreakerManualControl? control = null;
        if (failuresBeforeBreaking > 0)
        {
            state = new CircuitBreakerStateProvider();
            control = new CircuitBreakerManualControl();
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = 1.0,
                MinimumThroughput = failuresBeforeBreaking,
                SamplingDuration = SamplingDuration,
                BreakDuration = breakDuration,
                StateProvider = state,
                ManualControl = control,
                ShouldHandle = args => ValueTask.FromResult(IsFailure(args.Outcome)),
            });
        }
        builder.AddTimeout(timeout);
        return new DownstreamResilience(builder.Build(), timeout, breakDuration, state, control);
    }

    /// <summary>
    /// A client that sends through this pipeline to <paramref name="pool"/>. YARP sends the request with it and gets
    /// it back at the response headers, so the timeout and the breaker cover exactly the wait for the downstream's
    /// answer, never a body streaming afterwards (a live log may stay quiet for minutes).
    /// </summary>
    public HttpMessageInvoker Around(HttpMessageInvoker pool) => new(new ResilientHandler(this, pool), disposeHandler: false);

    /// <summary>Sends the request through the pipeline; a success while the breaker is closed ends the run of failures.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMessageInvoker invoker, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await Pipeline.ExecuteAsync(
            static (state, token) => new ValueTask<HttpResponseMessage>(state.invoker.SendAsync(state.request, token)),
            (invoker, request), cancellationToken);
        // Closing a closed breaker only resets its statistics — after every success, because successes left in
        // Polly's window would keep the ratio under 1 whatever follows (only routes with a breaker pay this).
        // Skipped while open or half-open: Polly closes it
        // itself after a successful trial, and a late success of a call from before the break must not cut the break short.
        if (_control is not null && Breaker?.CircuitState == CircuitState.Closed && !IsFailure(Outcome.FromResult(response)))
            await _control.CloseAsync(CancellationToken.None);
        return response;
    }

    /// <summary>Unreachable, timed out, or a 5xx the downstream itself gave up with; never the client going away.</summary>
    private static bool IsFailure(Outcome<HttpResponseMessage> outcome) => outcome.Exception switch
    {
        null => (int?)outcome.Result?.StatusCode is 500 or 502 or 503 or 504,
        OperationCanceledException { InnerException: TimeoutException } => true, // no connection within ConnectTimeout
        OperationCanceledException => false, // the client went away (Polly reports its own timeouts as TimeoutRejectedException)
        { } exception when IsClientsFault(exception) => false,
        _ => true,
    };

    /// <summary>
    /// The client's body could not be read (too large, malformed: Kestrel's or the body limit's
    /// <see cref="BadHttpRequestException"/>) or its connection broke: the client's fault, not the downstream's.
    /// YARP hands such a failure to the downstream call wrapped in its own exceptions.
    /// </summary>
    private static bool IsClientsFault(Exception exception)
    {
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
            if (inner is BadHttpRequestException or Microsoft.AspNetCore.Connections.ConnectionResetException) return true;
        return false;
    }

    /// <summary>0 closed, 1 open, 2 half-open (and isolated counts as open).</summary>
    public int BreakerStateCode => Breaker?.CircuitState switch
    {
        CircuitState.Open or CircuitState.Isolated => 1,
        CircuitState.HalfOpen => 2,
        _ => 0,
    };

    private sealed class ResilientHandler(DownstreamResilience resilience, HttpMessageInvoker pool) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            resilience.SendAsync(pool, request, cancellationToken);
    }
}
