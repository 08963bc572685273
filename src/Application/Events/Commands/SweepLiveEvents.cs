using Comet.Application.Common.Interfaces;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comet.Application.Events.Commands;

/// <summary>
/// Deletes events older than Events:RetainFor and all but the newest Events:RetainCount. Oldest first by id, so what
/// is kept is always one unbroken stretch of the log, and a resume from inside it misses nothing.
/// </summary>
public sealed record SweepLiveEventsCommand : IRequest<int>;

public sealed class SweepLiveEventsHandler(ICometDbContext db, IOptions<LiveEventOptions> options, TimeProvider clock)
    : IRequestHandler<SweepLiveEventsCommand, int>
{
    public async Task<int> Handle(SweepLiveEventsCommand request, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var before = clock.GetUtcNow().UtcDateTime - settings.RetainFor;
        // The newest event too old to keep: everything up to it goes (ids commit in order, so older ids are older events).
        var lastTooOld = await db.LiveEvents.Where(e => e.CreatedAt < before).OrderByDescending(e => e.Id)
            .Select(e => (long?)e.Id).FirstOrDefaultAsync(cancellationToken) ?? 0;
        var lastOverCount = await db.LiveEvents.OrderByDescending(e => e.Id).Skip(settings.RetainCount)
            .Select(e => (long?)e.Id).FirstOrDefaultAsync(cancellationToken) ?? 0;
        var upTo = Math.Max(lastTooOld, lastOverCount);
        return upTo == 0 ? 0 : await db.LiveEvents.Where(e => e.Id <= upTo).ExecuteDeleteAsync(cancellationToken);
    }
}
