using Comet.Application.Common.Validation;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Identity;
using Comet.Domain.Identity;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Projects.Members;

/// <summary>Adds a user to a project with a role, or changes the role of a member (owners only).</summary>
[RequiresProjectRole(ProjectRole.Owner)]
public sealed record SetMemberCommand : IRequest<MemberDto>, IProjectRequest
{
    public string Slug { get; init; } = "";
    public string Username { get; init; } = "";

    /// <summary>owner, maintainer, developer or viewer.</summary>
    public string? Role { get; init; }

    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class SetMemberValidator : AbstractValidator<SetMemberCommand>
{
    public SetMemberValidator()
    {
        RuleFor(c => c.Username).PlainDisplayText();
        RuleFor(c => c.Role).NotEmpty().Must(r => Enum.TryParse<ProjectRole>(r, ignoreCase: true, out var role) && Enum.IsDefined(role) && !int.TryParse(r, out _))
            .WithMessage("'Role' is owner, maintainer, developer or viewer.");
    }
}

public sealed class SetMemberHandler(ICometDbContext db, TimeProvider clock, AuditTrail audit) : IRequestHandler<SetMemberCommand, MemberDto>
{
    public async Task<MemberDto> Handle(SetMemberCommand request, CancellationToken cancellationToken)
    {
        var (project, user) = await MembershipLookup.FindAsync(db, request.Slug, request.Username, cancellationToken);
        var role = Enum.Parse<ProjectRole>(request.Role!, ignoreCase: true);
        var member = await db.ProjectMembers.FirstOrDefaultAsync(m => m.ProjectId == project.Id && m.UserId == user.Id, cancellationToken);
        var name = role.ToString().ToLowerInvariant();
        if (member is null)
        {
            member = new ProjectMember(project.Id, user.Id, role, clock.GetUtcNow().UtcDateTime);
            db.ProjectMembers.Add(member);
            audit.Record(AuditActions.MemberAdded, target: $"project:{project.Slug}", detail: $"{user.Username} as {name}");
        }
        else if (member.Role != role)
        {
            if (member.Role == ProjectRole.Owner) await MembershipLookup.EnsureAnotherOwnerAsync(db, project.Id, user.Id, cancellationToken);
            audit.Record(AuditActions.MemberRoleChanged, target: $"project:{project.Slug}",
                detail: $"{user.Username}: {member.Role.ToString().ToLowerInvariant()} → {name}");
            member.ChangeRole(role);
        }
        await db.SaveChangesAsync(cancellationToken);
        return new MemberDto { Username = user.Username, DisplayName = user.DisplayName, Role = member.Role, AddedAt = member.AddedAt };
    }
}
