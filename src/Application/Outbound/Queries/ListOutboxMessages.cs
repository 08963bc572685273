using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Models;
using Comet.Application.Common.Security;
using Comet.Application.Projects;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Outbound.Queries;

/// <summary>A project's outbound deliveries (forge statuses, notifications), newest first, optionally in one state.</summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record ListOutboxMessagesQuery : PagedQuery, IRequest<PagedList<OutboxMessageDto>>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    public string Slug { get; init; } = "";

    /// <summary>pending, delivered or dead; null: all.</summary>
    public string? State { get; init; }
}

public sealed class ListOutboxMessagesValidator : PagedQueryValidator<ListOutboxMessagesQuery>
{
    public ListOutboxMessagesValidator()
    {
        RuleFor(q => q.State).Must(s => s is null || OutboxMessages.TryParseState(s, out _))
            .WithMessage(q => $"state '{q.State}' is not one of pending, delivered, dead.");
    }
}

public sealed class ListOutboxMessagesHandler(ICometDbContext db) : IRequestHandler<ListOutboxMessagesQuery, PagedList<OutboxMessageDto>>
{
    public async Task<PagedList<OutboxMessageDto>> Handle(ListOutboxMessagesQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var messages = db.OutboxMessages.AsNoTracking().Where(m => m.ProjectId == projectId);
        if (OutboxMessages.TryParseState(request.State, out var state)) messages = messages.Where(m => m.State == state);
        var page = await PagedList<Domain.Outbound.OutboxMessage>.CreateAsync(
            messages.OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id), request.Page, request.PageSize, cancellationToken);
        return new PagedList<OutboxMessageDto>([.. page.Items.Select(m => OutboxMessages.ToDto(m))], page.Page, page.PageSize, page.TotalCount);
    }
}
