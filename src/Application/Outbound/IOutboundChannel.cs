namespace Comet.Application.Outbound;

/// <summary>Sends one outbox message over one channel (<see cref="OutboundChannels"/>) and says how it went.</summary>
public interface IOutboundChannel
{
    string Name { get; }

    /// <param name="credential">The credential's resolved header value (e.g. "Bearer …"), or null when the message has none.</param>
    Task<DeliveryOutcome> SendAsync(OutboundMessage message, string? credential, CancellationToken cancellationToken);
}

/// <summary>How an attempt ended: delivered, worth retrying (5xx, timeout, refused connection), or refused for good.</summary>
public enum DeliveryResult
{
    Delivered,
    Retry,

    /// <summary>The destination refused the message in a way a retry cannot fix (401, 403, 404, 410, 422, a refused address).</summary>
    Rejected,
}

/// <summary>One attempt as the delivery log shows it.</summary>
/// <param name="Request">What was sent, in one line, without credentials: "POST https://api.github.com/repos/o/r/statuses/1a2b…".</param>
/// <param name="StatusCode">The HTTP status (or SMTP reply code); null when nothing answered.</param>
/// <param name="Answer">The start of the answer or the error, at most 1000 characters.</param>
/// <param name="RetryAfter">A destination's own Retry-After, honoured over the backoff when longer.</param>
public sealed record DeliveryOutcome(DeliveryResult Result, string Request, int? StatusCode, string? Answer, TimeSpan Latency)
{
    public TimeSpan? RetryAfter { get; init; }
}
