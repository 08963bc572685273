using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;

namespace Comet.Application.Outbound;

/// <summary>
/// One circuit breaker per destination (a Polly pipeline in a registry keyed by destination): when most recent attempts
/// to a destination asked for a retry, its messages are not attempted for a while, so a forge that is down is not
/// hammered and its messages keep their attempts for when it is back. Only <see cref="DeliveryResult.Retry"/> counts as
/// a failure: a rejection is about the message, not the destination. Per node; nodes sharing a database each keep theirs.
/// </summary>
public sealed class OutboundBreakers(IOptions<OutboxOptions> options, TimeProvider clock) : IDisposable
{
    private readonly ResiliencePipelineRegistry<string> _registry = new();
    private readonly ConcurrentDictionary<string, DateTime> _openUntil = new(StringComparer.Ordinal);

    /// <summary>Until when <paramref name="destination"/>'s breaker is open, or null when messages may be attempted.</summary>
    public DateTime? OpenUntil(string destination)
    {
        if (!_openUntil.TryGetValue(destination, out var until)) return null;
        return until > clock.GetUtcNow().UtcDateTime ? until : null;
    }

    /// <summary>Sends through the destination's breaker; throws <see cref="BrokenCircuitException"/> while it is open.</summary>
    public ValueTask<DeliveryOutcome> ExecuteAsync(string destination, Func<CancellationToken, Task<DeliveryOutcome>> send,
        CancellationToken cancellationToken) =>
        Pipeline(destination).ExecuteAsync(async ct => await send(ct), cancellationToken);

    private ResiliencePipeline<DeliveryOutcome> Pipeline(string destination) =>
        _registry.GetOrAddPipeline<DeliveryOutcome>(destination, builder =>
        {
            var o = options.Value;
            builder.TimeProvider = clock;
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<DeliveryOutcome>
            {
                FailureRatio = o.BreakerFailureRatio,
                MinimumThroughput = o.BreakerMinimumThroughput,
                SamplingDuration = o.BreakerSamplingDuration,
                BreakDuration = o.BreakerDuration,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.Result == DeliveryResult.Retry
                                                            || args.Outcome.Exception is { } e && e is not OperationCanceledException),
                OnOpened = args =>
                {
                    _openUntil[destination] = clock.GetUtcNow().UtcDateTime + args.BreakDuration;
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    _openUntil.TryRemove(destination, out DateTime _);
                    return ValueTask.CompletedTask;
                },
            });
        });

    public void Dispose() => _registry.Dispose();
}
