using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Identity;
using Comet.Domain.Identity;
using Comet.Domain.Projects;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Projects.Members;

/// <summary>Takes a user out of a project (owners only); the last owner stays.</summary>
[RequiresProjectRole(ProjectRole.Owner)]
public sealed record RemoveMemberCommand(string Slug, string Username) : IRequest<Unit>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class RemoveMemberHandler(ICometDbContext db, AuditTrail audit) : IRequestHandler<RemoveMemberCommand, Unit>
{
    public async Task<Unit> Handle(RemoveMemberCommand request, CancellationToken cancellationToken)
    {
        var (project, user) = await MembershipLookup.FindAsync(db, request.Slug, request.Username, cancellationToken);
        var member = await db.ProjectMembers.FirstOrDefaultAsync(m => m.ProjectId == project.Id && m.UserId == user.Id, cancellationToken)
            ?? throw new NotFoundException("member", request.Username);
        if (member.Role == ProjectRole.Owner) await MembershipLookup.EnsureAnotherOwnerAsync(db, project.Id, user.Id, cancellationToken);
        db.ProjectMembers.Remove(member);
        audit.Record(AuditActions.MemberRemoved, target: $"project:{project.Slug}", detail: user.Username);
        await db.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
