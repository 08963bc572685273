namespace Comet.Domain.Outbound;

/// <summary>Where an outbox message is in its life: waiting for a (next) attempt, delivered, or given up on.</summary>
public enum OutboxState
{
    Pending,
    Delivered,
    Dead,
}

/// <summary>
/// Something that must leave the process, written in the transaction of the change that caused it and delivered
/// afterwards with retries. A credential is stored as the name of a project secret and how it goes in a header, never
/// as a value: the outbox table holds no token. The lease lets one orchestrator of several sharing a database attempt
/// it at a time; a crashed node's lease lapses and another (or the restarted one) takes the message over.
/// </summary>
public sealed class OutboxMessage
{
    public const int MaxKindLength = 32;
    public const int MaxChannelLength = 32;
    public const int MaxDestinationLength = 300;
    public const int MaxSummaryLength = 500;
    public const int MaxErrorLength = 1000;
    public const int MaxNodeLength = 128;

    private OutboxMessage() { }

    public OutboxMessage(Guid? projectId, string kind, string channel, string destination, string payload, string summary, DateTime now)
    {
        Id = Guid.CreateVersion7();
        ProjectId = projectId;
        Kind = kind;
        Channel = channel;
        Destination = Cut(destination, MaxDestinationLength);
        Payload = payload;
        Summary = Cut(summary, MaxSummaryLength);
        State = OutboxState.Pending;
        CreatedAt = now;
        NextAttemptAt = now;
    }

    public Guid Id { get; private set; }
    public Guid? ProjectId { get; private set; }
    public string Kind { get; private set; } = "";
    public string Channel { get; private set; } = "";

    /// <summary>The circuit-breaker key: one breaker per destination (an API host, a mail server).</summary>
    public string Destination { get; private set; } = "";
    public string Payload { get; private set; } = "";
    public string Summary { get; private set; } = "";
    public Guid? SourceId { get; private set; }
    public Guid? RunId { get; private set; }

    /// <summary>Messages with the same key are sent in the order they were written, one at a time; null: any order.</summary>
    public string? OrderingKey { get; private set; }

    /// <summary>The project whose secret fills the credential header at send time; null: the message has no credential.</summary>
    public Guid? CredentialProjectId { get; private set; }
    public string? CredentialSecret { get; private set; }
    public string? CredentialHeader { get; private set; }

    /// <summary>The header value with {0} where the secret goes ("Bearer {0}").</summary>
    public string? CredentialFormat { get; private set; }

    public OutboxState State { get; private set; }
    public int Attempts { get; private set; }
    public DateTime NextAttemptAt { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? DeliveredAt { get; private set; }
    public DateTime? DeadAt { get; private set; }
    public string? LastError { get; private set; }

    /// <summary>The HTTP status (or SMTP code) of the latest attempt that got an answer; null when nothing answered.</summary>
    public int? LastStatusCode { get; private set; }

    /// <summary>Why it was given up on: rejected by the destination, out of attempts or age, a missing secret.</summary>
    public string? DeadReason { get; private set; }
    public string? LeaseOwner { get; private set; }
    public DateTime? LeaseExpiresAt { get; private set; }

    public void From(Guid? sourceId, Guid? runId, string? orderingKey = null)
    {
        SourceId = sourceId;
        RunId = runId;
        OrderingKey = orderingKey is null ? null : Cut(orderingKey, MaxDestinationLength);
    }

    public void UseCredential(Guid projectId, string secretName, string headerName, string format)
    {
        CredentialProjectId = projectId;
        CredentialSecret = secretName;
        CredentialHeader = headerName;
        CredentialFormat = format;
    }

    /// <summary>An attempt was made (whatever came of it): counted, its answer kept as the latest.</summary>
    public void Attempted(int? statusCode, string? error)
    {
        Attempts++;
        LastStatusCode = statusCode;
        LastError = error is null ? null : Cut(error, MaxErrorLength);
    }

    public void Delivered(DateTime now)
    {
        State = OutboxState.Delivered;
        DeliveredAt = now;
        DeadReason = null;
        ReleaseLease();
    }

    public void RetryAt(DateTime at)
    {
        State = OutboxState.Pending;
        NextAttemptAt = at;
        ReleaseLease();
    }

    /// <summary>Not attempted (its destination's breaker is open): waits, its attempt count untouched.</summary>
    public void Postpone(DateTime until, string why)
    {
        NextAttemptAt = until;
        LastError = Cut(why, MaxErrorLength);
        ReleaseLease();
    }

    public void Dead(string reason, DateTime now)
    {
        State = OutboxState.Dead;
        DeadReason = Cut(reason, MaxErrorLength);
        DeadAt = now;
        ReleaseLease();
    }

    /// <summary>Someone asked for it again: pending now, with a fresh count of attempts.</summary>
    public void Redeliver(DateTime now)
    {
        State = OutboxState.Pending;
        Attempts = 0;
        NextAttemptAt = now;
        DeliveredAt = null;
        DeadAt = null;
        DeadReason = null;
        LastError = null;
        LastStatusCode = null;
        ReleaseLease();
    }

    private void ReleaseLease()
    {
        LeaseOwner = null;
        LeaseExpiresAt = null;
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];
}

/// <summary>One attempt to deliver an outbox message, as the delivery log shows it: never a credential.</summary>
public sealed class OutboxAttempt
{
    public const int MaxRequestLength = 1000;
    public const int MaxAnswerLength = 1000;

    private OutboxAttempt() { }

    public OutboxAttempt(Guid messageId, int number, DateTime at, string request, int? statusCode, long latencyMs, string? answer, string result)
    {
        Id = Guid.CreateVersion7();
        MessageId = messageId;
        Number = number;
        At = at;
        Request = request.Length <= MaxRequestLength ? request : request[..MaxRequestLength];
        StatusCode = statusCode;
        LatencyMs = latencyMs;
        Answer = answer is null || answer.Length <= MaxAnswerLength ? answer : answer[..MaxAnswerLength];
        Result = result;
    }

    public Guid Id { get; private set; }
    public Guid MessageId { get; private set; }
    public int Number { get; private set; }
    public DateTime At { get; private set; }

    /// <summary>"POST https://api.github.com/repos/o/r/statuses/1a2b…": what was sent, without credentials.</summary>
    public string Request { get; private set; } = "";
    public int? StatusCode { get; private set; }
    public long LatencyMs { get; private set; }

    /// <summary>The start of the answer or the error, at most 1000 characters.</summary>
    public string? Answer { get; private set; }

    /// <summary>delivered, retry, rejected (the channel's word), or not_sent when the message could not be sent at all.</summary>
    public string Result { get; private set; } = "";
}
