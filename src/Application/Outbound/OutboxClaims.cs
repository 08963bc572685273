using Comet.Application.Common.Interfaces;
using Comet.Domain.Outbound;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comet.Application.Outbound;

/// <summary>
/// Which messages this node delivers next. A message is claimed by one conditional UPDATE (pending, due, no live
/// lease), so of several orchestrators sharing a database exactly one wins it; its lease lapses if that node dies.
/// Messages for a destination whose breaker is open are not claimed: they are put off until it may close, and the
/// delivery log says why, their attempts untouched. Messages that share an ordering key leave one at a time, oldest first.
/// </summary>
public sealed class OutboxClaims(ICometDbContext db, INodeIdentity node, OutboundBreakers breakers, IOptions<OutboxOptions> options, TimeProvider clock)
{
    public async Task<IReadOnlyList<Guid>> ClaimAsync(int max, CancellationToken cancellationToken)
    {
        if (max <= 0) return [];
        var now = clock.GetUtcNow().UtcDateTime;
        var due = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.State == OutboxState.Pending && m.NextAttemptAt <= now && (m.LeaseExpiresAt == null || m.LeaseExpiresAt < now))
            // An older message with the same ordering key goes first, even while it waits for a retry.
            .Where(m => m.OrderingKey == null || !db.OutboxMessages.Any(o => o.OrderingKey == m.OrderingKey && o.State == OutboxState.Pending
                                                                              && o.CreatedAt < m.CreatedAt))
            .OrderBy(m => m.NextAttemptAt).ThenBy(m => m.Id)
            .Select(m => new { m.Id, m.Destination })
            .Take(max * 2)
            .ToListAsync(cancellationToken);

        var claimed = new List<Guid>();
        var postponed = new HashSet<string>(StringComparer.Ordinal);
        var leaseUntil = now + options.Value.LeaseDuration;
        foreach (var message in due)
        {
            if (claimed.Count == max) break;
            if (breakers.OpenUntil(message.Destination) is { } openUntil)
            {
                if (postponed.Add(message.Destination)) await PostponeAsync(message.Destination, openUntil, now, cancellationToken);
                continue;
            }
            var id = message.Id;
            var won = await db.OutboxMessages
                .Where(m => m.Id == id && m.State == OutboxState.Pending && m.NextAttemptAt <= now && (m.LeaseExpiresAt == null || m.LeaseExpiresAt < now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseOwner, node.Id).SetProperty(m => m.LeaseExpiresAt, leaseUntil), cancellationToken);
            if (won == 1) claimed.Add(id);
        }
        return claimed;
    }

    /// <summary>The due messages for a destination whose breaker is open wait until it may close.</summary>
    private Task<int> PostponeAsync(string destination, DateTime openUntil, DateTime now, CancellationToken cancellationToken)
    {
        var why = $"not attempted: the circuit breaker for {destination} is open until {openUntil:yyyy-MM-ddTHH:mm:ssZ} after repeated failures";
        return db.OutboxMessages
            .Where(m => m.Destination == destination && m.State == OutboxState.Pending && m.NextAttemptAt <= now
                        && (m.LeaseExpiresAt == null || m.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, openUntil).SetProperty(m => m.LastError, why), cancellationToken);
    }

    /// <summary>
    /// At start-up: claims this node held when it stopped (it was killed during an attempt) are let go at once rather
    /// than when their lease lapses, so what was committed but not delivered leaves right after the restart.
    /// </summary>
    public Task<int> ReleaseOwnLeasesAsync(CancellationToken cancellationToken) =>
        db.OutboxMessages.Where(m => m.LeaseOwner == node.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseOwner, (string?)null).SetProperty(m => m.LeaseExpiresAt, (DateTime?)null), cancellationToken);

    /// <summary>
    /// Lets go of a claim whose delivery failed inside Comet (the database was busy, say) so the message is tried again
    /// after the base delay rather than when its lease lapses. Its attempts are untouched: whether the destination got
    /// it is unknown, and the X-Comet-Delivery header lets the receiver drop a repeat.
    /// </summary>
    public Task<int> ReleaseAsync(Guid messageId, CancellationToken cancellationToken)
    {
        var retryAt = clock.GetUtcNow().UtcDateTime + options.Value.BaseDelay;
        return db.OutboxMessages.Where(m => m.Id == messageId && m.LeaseOwner == node.Id && m.State == OutboxState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseOwner, (string?)null).SetProperty(m => m.LeaseExpiresAt, (DateTime?)null)
                .SetProperty(m => m.NextAttemptAt, retryAt), cancellationToken);
    }

    public Task<int> CountDeadAsync(CancellationToken cancellationToken) =>
        db.OutboxMessages.CountAsync(m => m.State == OutboxState.Dead, cancellationToken);
}
