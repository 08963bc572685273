namespace Comet.Application.Common.Exceptions;

/// <summary>Refused for a while after too many failures (429 with Retry-After).</summary>
public sealed class TooManyAttemptsException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
