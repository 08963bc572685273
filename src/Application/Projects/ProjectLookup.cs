using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Projects;

/// <summary>Finding a project's id by its slug, or the 404 every project request answers when there is none.</summary>
internal static class ProjectLookup
{
    public static async Task<Guid> ProjectIdAsync(this ICometDbContext db, string slug, CancellationToken cancellationToken) =>
        await db.Projects.Where(p => p.Slug == slug).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken)
        ?? throw new NotFoundException("project", slug);
}
