using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;
using Comet.Domain.Projects;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Projects.Members;

public sealed record MemberDto
{
    public required string Username { get; init; }
    public required string DisplayName { get; init; }
    public required ProjectRole Role { get; init; }
    public required DateTime AddedAt { get; init; }
}

/// <summary>Finding the project and user a membership request names, in the words of a 404.</summary>
internal static class MembershipLookup
{
    public static async Task<(Project Project, User User)> FindAsync(ICometDbContext db, string slug, string username, CancellationToken cancellationToken)
    {
        var project = await db.Projects.FirstOrDefaultAsync(p => p.Slug == slug, cancellationToken)
            ?? throw new NotFoundException("project", slug);
        var normalized = User.Normalize(username);
        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, cancellationToken)
            ?? throw new NotFoundException("user", username);
        return (project, user);
    }

    /// <summary>A project always keeps an owner: someone must be able to manage it.</summary>
    public static async Task EnsureAnotherOwnerAsync(ICometDbContext db, Guid projectId, Guid leavingUserId, CancellationToken cancellationToken)
    {
        if (!await db.ProjectMembers.AnyAsync(m => m.ProjectId == projectId && m.Role == ProjectRole.Owner && m.UserId != leavingUserId, cancellationToken))
            throw new ConflictException("This is the project's last owner; make someone else owner first.");
    }
}
