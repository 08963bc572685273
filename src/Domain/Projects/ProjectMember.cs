namespace Comet.Domain.Projects;

/// <summary>What a member may do in a project; each role includes the ones before it.</summary>
public enum ProjectRole
{
    /// <summary>Reads runs and logs.</summary>
    Viewer = 1,

    /// <summary>Also triggers, cancels and retries runs.</summary>
    Developer = 2,

    /// <summary>Also edits the project (and, later, its secrets and approvals).</summary>
    Maintainer = 3,

    /// <summary>Also manages members and deletes the project.</summary>
    Owner = 4,
}

/// <summary>A user's role in one project.</summary>
public sealed class ProjectMember
{
    private ProjectMember() { }

    public ProjectMember(Guid projectId, Guid userId, ProjectRole role, DateTime addedAt)
    {
        ProjectId = projectId;
        UserId = userId;
        Role = role;
        AddedAt = addedAt;
    }

    public Guid ProjectId { get; private set; }
    public Guid UserId { get; private set; }
    public ProjectRole Role { get; private set; }
    public DateTime AddedAt { get; private set; }

    public void ChangeRole(ProjectRole role) => Role = role;
}
