using Comet.Application.Common.Interfaces;

namespace Comet.Application.Outbound;

/// <summary>
/// Reacts to an outbox message that ran out of attempts or age (dead-lettered), in the transaction that marks it dead:
/// the live event stream records a <c>delivery.dead</c> event, notifications queue a message for subscribers. Handlers
/// may add rows to <paramref name="db"/> but must not call SaveChanges.
/// </summary>
public interface IDeadLetterHandler
{
    Task OnDeadAsync(DeadLetter dead, ICometDbContext db, CancellationToken cancellationToken);
}

/// <summary>A dead-lettered message as people see it in the delivery log.</summary>
public sealed record DeadLetter(Guid MessageId, Guid? ProjectId, string Kind, string Destination, string Summary, int Attempts, string? LastError);
