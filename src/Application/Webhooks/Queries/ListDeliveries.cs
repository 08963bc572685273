using Comet.Application.Projects;
using Comet.Domain.Projects;
using Comet.Application.Common.Security;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Models;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Webhooks.Queries;

public sealed record DeliveryDto(Guid Id, string Forge, string? DeliveryId, string? Event, DateTime ReceivedAt,
    string Outcome, string? Detail, int StatusCode, Guid? RunId);

/// <summary>Every webhook delivery a project received, newest first, with what came of it.</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record ListDeliveriesQuery : PagedQuery, IRequest<PagedList<DeliveryDto>>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    public string Slug { get; init; } = "";
}

public sealed class ListDeliveriesValidator : PagedQueryValidator<ListDeliveriesQuery>;

public sealed class ListDeliveriesHandler(ICometDbContext db) : IRequestHandler<ListDeliveriesQuery, PagedList<DeliveryDto>>
{
    public async Task<PagedList<DeliveryDto>> Handle(ListDeliveriesQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        return await PagedList<DeliveryDto>.CreateAsync(
            db.Deliveries.AsNoTracking().Where(d => d.ProjectId == projectId)
                .OrderByDescending(d => d.ReceivedAt).ThenByDescending(d => d.Id)
                .Select(d => new DeliveryDto(d.Id, d.Forge, d.DeliveryId, d.Event, d.ReceivedAt, d.Outcome, d.Detail, d.StatusCode, d.RunId)),
            request.Page, request.PageSize, cancellationToken);
    }
}
