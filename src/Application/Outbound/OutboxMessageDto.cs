using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Common;
using Comet.Domain.Outbound;

namespace Comet.Application.Outbound;

/// <summary>One outbox message as the delivery log shows it: what, where, how far it got. Never a credential.</summary>
public sealed record OutboxMessageDto
{
    public Guid Id { get; init; }
    public string Kind { get; init; } = "";
    public string Channel { get; init; } = "";
    public string Destination { get; init; } = "";
    public string Summary { get; init; } = "";
    public string State { get; init; } = "";
    public int Attempts { get; init; }
    public DateTime NextAttemptAt { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime? DeliveredAt { get; init; }
    public string? LastError { get; init; }
    public string? DeadReason { get; init; }
    public Guid? RunId { get; init; }

    /// <summary>Every attempt, oldest first; only in the answer about one message (left out of lists).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<OutboxAttemptDto>? AttemptLog { get; init; }
}

public sealed record OutboxAttemptDto(int Number, DateTime At, string Request, int? StatusCode, long LatencyMs, string? Answer, string Result);

public static class OutboxMessages
{
    public static OutboxMessageDto ToDto(OutboxMessage m, IReadOnlyList<OutboxAttemptDto>? attempts = null) => new()
    {
        Id = m.Id, Kind = m.Kind, Channel = m.Channel, Destination = m.Destination, Summary = m.Summary, State = StatusName.Of(m.State),
        Attempts = m.Attempts, NextAttemptAt = m.NextAttemptAt, CreatedAt = m.CreatedAt, DeliveredAt = m.DeliveredAt, LastError = m.LastError,
        DeadReason = m.DeadReason, RunId = m.RunId, AttemptLog = attempts,
    };

    /// <summary>Instance-wide messages (no project) are for administrators only; to anyone else they are not there.</summary>
    public static void EnsureVisible(OutboxMessage? message, Guid id, ICurrentUser user)
    {
        if (message is null || (message.ProjectId is null && !user.IsAdmin && !user.IsSystem))
            throw new NotFoundException("delivery", id.ToString());
    }

    public static bool TryParseState(string? text, out OutboxState state)
    {
        state = default;
        return text switch
        {
            "pending" => (state = OutboxState.Pending) == OutboxState.Pending,
            "delivered" => (state = OutboxState.Delivered) == OutboxState.Delivered,
            "dead" => (state = OutboxState.Dead) == OutboxState.Dead,
            _ => false,
        };
    }
}

/// <summary>Audit actions of the delivery log.</summary>
public static class OutboxAuditActions
{
    public const string Redelivered = "delivery_redelivered";
    public const string DeadRedelivered = "deliveries_dead_redelivered";
}
