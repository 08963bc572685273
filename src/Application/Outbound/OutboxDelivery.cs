using System.Diagnostics;
using Comet.Application.Common.Interfaces;
using Comet.Application.Secrets;
using Comet.Domain.Outbound;
using Comet.Domain.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace Comet.Application.Outbound;

/// <summary>
/// Makes one attempt at one claimed message, in the caller's own scope: fills the credential from the project's secret
/// as it is now (a rotated token is used by retries), sends through the channel the message names and its
/// destination's breaker, records the attempt, and decides what comes next — delivered, another attempt after an
/// exponential backoff with full jitter (or the destination's longer Retry-After), or dead (rejected, out of attempts,
/// too old, a secret that is missing). Dead-letter handlers run in the SaveChanges that marks it dead.
/// </summary>
public sealed class OutboxDelivery(
    ICometDbContext db,
    INodeIdentity node,
    IEnumerable<IOutboundChannel> channels,
    IEnumerable<IDeadLetterHandler> deadLetterHandlers,
    ISecretProtector protector,
    OutboundBreakers breakers,
    OutboxMetrics metrics,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDelivery> logger)
{
    public async Task DeliverAsync(Guid messageId, CancellationToken cancellationToken)
    {
        var message = await db.OutboxMessages.FirstOrDefaultAsync(m => m.Id == messageId && m.LeaseOwner == node.Id
                                                                       && m.State == OutboxState.Pending, cancellationToken);
        if (message is null) return; // its lease lapsed and another node took it

        var credential = await CredentialAsync(message, cancellationToken);
        if (credential.Problem is { } problem)
        {
            await NotSentAsync(message, problem, cancellationToken);
            return;
        }
        var channel = channels.FirstOrDefault(c => c.Name == message.Channel);
        if (channel is null)
        {
            await NotSentAsync(message, $"no outbound channel is called '{message.Channel}'", cancellationToken);
            return;
        }

        DeliveryOutcome outcome;
        var started = Stopwatch.GetTimestamp();
        try
        {
            outcome = await breakers.ExecuteAsync(message.Destination, ct => channel.SendAsync(ToOutbound(message), credential.Value, ct), cancellationToken);
        }
        catch (BrokenCircuitException)
        {
            // Opened by another attempt since this one was claimed: wait like the rest, attempts untouched.
            var until = breakers.OpenUntil(message.Destination) ?? clock.GetUtcNow().UtcDateTime + options.Value.BreakerDuration;
            message.Postpone(until, $"not attempted: the circuit breaker for {message.Destination} is open until {until:yyyy-MM-ddTHH:mm:ssZ} after repeated failures");
            await db.SaveChangesAsync(CancellationToken.None);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A channel should answer with an outcome; one that throws is treated as a failure worth retrying.
            logger.LogWarning(ex, "Channel {Channel} failed on outbox message {MessageId}", message.Channel, message.Id);
            outcome = new DeliveryOutcome(DeliveryResult.Retry, message.Channel + " " + message.Destination, null, ex.Message,
                Stopwatch.GetElapsedTime(started));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        message.Attempted(outcome.StatusCode, outcome.Result == DeliveryResult.Delivered ? null : Describe(outcome));
        db.OutboxAttempts.Add(new OutboxAttempt(message.Id, message.Attempts, now, outcome.Request, outcome.StatusCode,
            (long)outcome.Latency.TotalMilliseconds, outcome.Answer, ResultName(outcome.Result)));
        metrics.Attempted(message.Kind, ResultName(outcome.Result), outcome.Latency);

        switch (outcome.Result)
        {
            case DeliveryResult.Delivered:
                message.Delivered(now);
                break;
            case DeliveryResult.Rejected:
                await DeadAsync(message, "rejected: " + Describe(outcome), now, cancellationToken);
                break;
            default:
                await RetryOrGiveUpAsync(message, outcome, now, cancellationToken);
                break;
        }
        // Saved whatever the host is doing now: the attempt happened and must be on record.
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogInformation("Outbox message {MessageId} ({Kind} to {Destination}) attempt {Attempt}: {Result} {StatusCode}; now {State}",
            message.Id, message.Kind, message.Destination, message.Attempts, outcome.Result, outcome.StatusCode, message.State);
    }

    private async Task RetryOrGiveUpAsync(OutboxMessage message, DeliveryOutcome outcome, DateTime now, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (message.Attempts >= o.MaxAttempts)
        {
            await DeadAsync(message, $"gave up after {message.Attempts} attempts: {Describe(outcome)}", now, cancellationToken);
            return;
        }
        var next = now + Backoff(message.Attempts, outcome.RetryAfter, o);
        if (next - message.CreatedAt > o.MaxAge)
        {
            await DeadAsync(message, $"gave up: the next attempt would come more than {o.MaxAge} after the message was written: {Describe(outcome)}",
                now, cancellationToken);
            return;
        }
        message.RetryAt(next);
    }

    /// <summary>Exponential backoff with full jitter: anywhere from 0 to min(MaxDelay, BaseDelay·2^(attempts−1)); a longer Retry-After wins.</summary>
    public static TimeSpan Backoff(int attempts, TimeSpan? retryAfter, OutboxOptions o)
    {
        var exponent = Math.Min(Math.Max(attempts - 1, 0), 30);
        var cap = Math.Min(o.MaxDelay.TotalMilliseconds, o.BaseDelay.TotalMilliseconds * Math.Pow(2, exponent));
        var delay = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * cap);
        return retryAfter is { } asked && asked > delay ? asked : delay;
    }

    /// <summary>The message could not be sent at all (a missing secret, an unknown channel): dead, with one attempt saying why.</summary>
    private async Task NotSentAsync(OutboxMessage message, string problem, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        message.Attempted(null, problem);
        db.OutboxAttempts.Add(new OutboxAttempt(message.Id, message.Attempts, now, $"{message.Channel} {message.Destination}", null, 0, problem, "not_sent"));
        metrics.Attempted(message.Kind, "not_sent", TimeSpan.Zero);
        await DeadAsync(message, problem, now, cancellationToken);
        await db.SaveChangesAsync(CancellationToken.None);
        logger.LogWarning("Outbox message {MessageId} ({Kind} to {Destination}) is dead: {Reason}", message.Id, message.Kind, message.Destination, problem);
    }

    private async Task DeadAsync(OutboxMessage message, string reason, DateTime now, CancellationToken cancellationToken)
    {
        message.Dead(reason, now);
        metrics.DeadLettered(message.Kind);
        var dead = new DeadLetter(message.Id, message.ProjectId, message.Kind, message.Destination, message.Summary, message.Attempts, message.LastError);
        foreach (var handler in deadLetterHandlers) await handler.OnDeadAsync(dead, db, cancellationToken);
    }

    private readonly record struct Credential(string? Value, string? Problem);

    /// <summary>The header value from the named secret of the message's project (or the instance), as it is now.</summary>
    private async Task<Credential> CredentialAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        if (message.CredentialSecret is not { } name) return new Credential(null, null);
        var projectId = message.CredentialProjectId;
        var found = await db.Secrets.AsNoTracking()
            .Where(s => s.Name == name && ((s.ProjectId == projectId && s.Environment == null) || s.ProjectId == null))
            .ToListAsync(cancellationToken);
        var secret = found.FirstOrDefault(s => s.Scope == SecretScope.Project) ?? found.FirstOrDefault(s => s.Scope == SecretScope.Instance);
        if (secret is null) return new Credential(null, $"secret '{name}' is missing");
        try
        {
            return new Credential(string.Format(System.Globalization.CultureInfo.InvariantCulture, message.CredentialFormat ?? "{0}",
                protector.Unprotect(secret.ProtectedValue)), null);
        }
        catch (SecretKeyException ex)
        {
            return new Credential(null, $"secret '{name}' cannot be decrypted: {ex.Message}");
        }
    }

    private static OutboundMessage ToOutbound(OutboxMessage m) =>
        new(m.ProjectId, m.Kind, m.Channel, m.Destination, m.Payload, m.Summary)
        {
            Credential = m.CredentialSecret is { } name && m.CredentialProjectId is { } projectId
                ? new OutboundCredential(projectId, name, m.CredentialHeader ?? "Authorization", m.CredentialFormat ?? "{0}")
                : null,
            SourceId = m.SourceId,
            RunId = m.RunId,
            DeliveryId = m.Id,
        };

    /// <summary>"HTTP 500: upstream down" or the error alone when nothing answered.</summary>
    private static string Describe(DeliveryOutcome outcome) =>
        outcome.StatusCode is { } code ? $"{code}{(string.IsNullOrWhiteSpace(outcome.Answer) ? "" : ": " + outcome.Answer)}" : outcome.Answer ?? "no answer";

    public static string ResultName(DeliveryResult result) => result switch
    {
        DeliveryResult.Delivered => "delivered",
        DeliveryResult.Rejected => "rejected",
        _ => "retry",
    };
}
