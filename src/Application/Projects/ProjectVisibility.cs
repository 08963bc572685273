using Comet.Application.Common.Interfaces;
using Comet.Domain.Projects;

namespace Comet.Application.Projects;

/// <summary>The one rule for which projects a list shows: admins (and the system) see all, other users the ones they are members of.</summary>
internal static class ProjectVisibility
{
    public static IQueryable<Project> VisibleTo(this IQueryable<Project> projects, ICometDbContext db, ICurrentUser user) =>
        user.IsSystem || user.IsAdmin
            ? projects
            : projects.Where(p => db.ProjectMembers.Any(m => m.ProjectId == p.Id && m.UserId == user.UserId));
}
