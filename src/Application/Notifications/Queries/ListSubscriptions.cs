using Comet.Application.Common.Interfaces;
using Comet.Application.Projects;
using Comet.Application.Common.Security;
using Comet.Domain.Projects;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Notifications.Queries;

/// <summary>The project's subscriptions, oldest first (maintainers: targets such as webhook URLs are not for every viewer).</summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record ListSubscriptionsQuery(string Slug) : IRequest<IReadOnlyList<SubscriptionDto>>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class ListSubscriptionsHandler(ICometDbContext db) : IRequestHandler<ListSubscriptionsQuery, IReadOnlyList<SubscriptionDto>>
{
    public async Task<IReadOnlyList<SubscriptionDto>> Handle(ListSubscriptionsQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var rows = await db.Subscriptions.AsNoTracking().Where(s => s.ProjectId == projectId && s.UserId == null)
            .OrderBy(s => s.CreatedAt).ToListAsync(cancellationToken);
        return rows.Select(SubscriptionDto.From).ToList();
    }
}
