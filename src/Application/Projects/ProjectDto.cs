using System.Linq.Expressions;
using Comet.Domain.Projects;

namespace Comet.Application.Projects;

public record ProjectDto
{
    public required Guid Id { get; init; }
    public required string Slug { get; init; }
    public required string Name { get; init; }
    public required string RepoUrl { get; init; }
    public required string DefaultBranch { get; init; }
    public required Forge Forge { get; init; }
    public required string PipelineFile { get; init; }
    public required DateTime CreatedAt { get; init; }
    public required DateTime UpdatedAt { get; init; }

    /// <summary>Webhook deliveries refused for this project (missing or wrong signature); they are counted, not listed.</summary>
    public long RejectedDeliveries { get; init; }
    public DateTime? LastRejectedAt { get; init; }
    public string? LastRejectionReason { get; init; }

    /// <summary>Which older runs a newer push cancels.</summary>
    public AutoCancelDto AutoCancel { get; init; } = new(AutoCancelBranches.NonDefault, true);

    /// <summary>Used by queries to project straight from the database to the DTO.</summary>
    public static readonly Expression<Func<Project, ProjectDto>> Projection = p => new ProjectDto
    {
        Id = p.Id,
        Slug = p.Slug,
        Name = p.Name,
        RepoUrl = p.RepoUrl,
        DefaultBranch = p.DefaultBranch,
        Forge = p.Forge,
        PipelineFile = p.PipelineFile,
        CreatedAt = p.CreatedAt,
        UpdatedAt = p.UpdatedAt,
        RejectedDeliveries = p.RejectedDeliveries,
        LastRejectedAt = p.LastRejectedAt,
        LastRejectionReason = p.LastRejectionReason,
        AutoCancel = new AutoCancelDto(p.AutoCancelBranches, p.AutoCancelPullRequests),
    };

    private static readonly Func<Project, ProjectDto> FromEntity = Projection.Compile();

    public static ProjectDto From(Project project) => FromEntity(project);
}

/// <summary>
/// Auto-cancel as a project shows it: a newer push to a branch cancels that branch's older pending or running runs when
/// <see cref="Branches"/> covers the branch (non_default, all, none), and a newer push to a pull request cancels its
/// older runs when <see cref="PullRequests"/> is true.
/// </summary>
public sealed record AutoCancelDto(AutoCancelBranches Branches, bool PullRequests);

/// <summary>Auto-cancel as a create or update gives it; a field left out keeps its value (or the default).</summary>
public sealed record AutoCancelSettings
{
    /// <summary>non_default (the default), all or none.</summary>
    public string? Branches { get; init; }
    public bool? PullRequests { get; init; }
}

/// <summary>The answer to a create: the project plus its webhook secret, which is never shown again.</summary>
public sealed record CreatedProjectDto : ProjectDto
{
    public required string WebhookSecret { get; init; }
}
