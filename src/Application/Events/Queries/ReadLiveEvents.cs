using Comet.Application.Common.Interfaces;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Events.Queries;

/// <summary>
/// Events after an id, oldest first, at most <see cref="Limit"/> (and none past <see cref="UpTo"/> when given). The
/// feed's one read per tick for the whole process; not a public use case, so it carries no authorization: the stream
/// filters what it reads through the caller's <see cref="EventStreamScope"/>.
/// </summary>
public sealed record ReadLiveEventsQuery(long After, int Limit, long? UpTo = null) : IRequest<IReadOnlyList<LiveEventDto>>;

public sealed class ReadLiveEventsHandler(ICometDbContext db) : IRequestHandler<ReadLiveEventsQuery, IReadOnlyList<LiveEventDto>>
{
    public async Task<IReadOnlyList<LiveEventDto>> Handle(ReadLiveEventsQuery request, CancellationToken cancellationToken)
    {
        var events = db.LiveEvents.AsNoTracking().Where(e => e.Id > request.After);
        if (request.UpTo is { } upTo) events = events.Where(e => e.Id <= upTo);
        return await events.OrderBy(e => e.Id).Take(request.Limit)
            .Select(e => new LiveEventDto(e.Id, e.Type, e.ProjectId, e.RunId, e.CreatedAt, e.Data))
            .ToListAsync(cancellationToken);
    }
}

/// <summary>The oldest and newest id still kept (both null when the log is empty): where a resume may start.</summary>
public sealed record GetLiveEventWindowQuery : IRequest<LiveEventWindow>;

public sealed record LiveEventWindow(long? Oldest, long? Newest)
{
    /// <summary>
    /// Whether a client that last saw <paramref name="lastSeen"/> can be given every event after it: only when the
    /// next event after it is still kept. A client from before the window, or one naming an id this log never had
    /// (a newer one, or any id once the log is empty), must reload instead. 0 asks for everything kept.
    /// </summary>
    public bool CanResumeAfter(long lastSeen) =>
        lastSeen == 0 || (Oldest is { } oldest && Newest is { } newest && lastSeen >= oldest - 1 && lastSeen <= newest);
}

public sealed class GetLiveEventWindowHandler(ICometDbContext db) : IRequestHandler<GetLiveEventWindowQuery, LiveEventWindow>
{
    public async Task<LiveEventWindow> Handle(GetLiveEventWindowQuery request, CancellationToken cancellationToken)
    {
        var oldest = await db.LiveEvents.OrderBy(e => e.Id).Select(e => (long?)e.Id).FirstOrDefaultAsync(cancellationToken);
        var newest = await db.LiveEvents.OrderByDescending(e => e.Id).Select(e => (long?)e.Id).FirstOrDefaultAsync(cancellationToken);
        return new LiveEventWindow(oldest, newest);
    }
}
