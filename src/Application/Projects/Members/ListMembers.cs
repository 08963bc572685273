using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Projects;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Projects.Members;

[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record ListMembersQuery(string Slug) : IRequest<IReadOnlyList<MemberDto>>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class ListMembersHandler(ICometDbContext db) : IRequestHandler<ListMembersQuery, IReadOnlyList<MemberDto>>
{
    public async Task<IReadOnlyList<MemberDto>> Handle(ListMembersQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        return await db.ProjectMembers.AsNoTracking()
            .Where(m => m.ProjectId == projectId)
            .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => new MemberDto { Username = u.Username, DisplayName = u.DisplayName, Role = m.Role, AddedAt = m.AddedAt })
            .OrderBy(m => m.Username)
            .ToListAsync(cancellationToken);
    }
}
