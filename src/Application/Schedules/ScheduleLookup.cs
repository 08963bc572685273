using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Schedules;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Schedules;

/// <summary>Finding a project's schedule, or the 404 for one that is not there (or belongs to another project).</summary>
internal static class ScheduleLookup
{
    public static async Task<(Domain.Projects.Project Project, Schedule Schedule)> FindAsync(ICometDbContext db, string slug, Guid id, CancellationToken cancellationToken)
    {
        var project = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Slug == slug, cancellationToken)
            ?? throw new NotFoundException("project", slug);
        var schedule = await db.Schedules.FirstOrDefaultAsync(s => s.Id == id && s.ProjectId == project.Id, cancellationToken)
            ?? throw new NotFoundException("schedule", id.ToString());
        return (project, schedule);
    }

    /// <summary>True when another schedule of the project has this name (names are unique in a project).</summary>
    public static Task<bool> NameTakenAsync(ICometDbContext db, Guid projectId, string name, Guid? except, CancellationToken cancellationToken) =>
        db.Schedules.AsNoTracking().AnyAsync(s => s.ProjectId == projectId && s.Name == name && s.Id != except, cancellationToken);
}
