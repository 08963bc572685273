using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Models;
using Comet.Application.Common.Security;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Queries;

public sealed record AuditEventDto
{
    public required Guid Id { get; init; }
    public required string Action { get; init; }
    public required DateTime At { get; init; }
    public Guid? ActorId { get; init; }
    public string? ActorName { get; init; }
    public string? Target { get; init; }
    public string? Detail { get; init; }
    public string? ClientAddress { get; init; }
}

/// <summary>The audit log, newest first, filtered by user (name), action and time.</summary>
[RequiresAdmin]
public sealed record ListAuditEventsQuery : PagedQuery, IRequest<PagedList<AuditEventDto>>
{
    public string? User { get; init; }
    public string? Action { get; init; }
    public DateTime? From { get; init; }
    public DateTime? To { get; init; }
}

public sealed class ListAuditEventsValidator : PagedQueryValidator<ListAuditEventsQuery>;

public sealed class ListAuditEventsHandler(ICometDbContext db) : IRequestHandler<ListAuditEventsQuery, PagedList<AuditEventDto>>
{
    public async Task<PagedList<AuditEventDto>> Handle(ListAuditEventsQuery request, CancellationToken cancellationToken)
    {
        var events = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(request.User)) events = events.Where(e => e.ActorName == request.User);
        if (!string.IsNullOrWhiteSpace(request.Action)) events = events.Where(e => e.Action == request.Action);
        if (request.From is { } from) events = events.Where(e => e.At >= from.ToUniversalTime());
        if (request.To is { } to) events = events.Where(e => e.At < to.ToUniversalTime());

        var page = events.OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Select(e => new AuditEventDto
            {
                Id = e.Id, Action = e.Action, At = e.At, ActorId = e.ActorId, ActorName = e.ActorName, Target = e.Target,
                Detail = e.Detail, ClientAddress = e.ClientAddress,
            });
        return await PagedList<AuditEventDto>.CreateAsync(page, request.Page, request.PageSize, cancellationToken);
    }
}
