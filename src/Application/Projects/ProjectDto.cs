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
    };

    private static readonly Func<Project, ProjectDto> FromEntity = Projection.Compile();

    public static ProjectDto From(Project project) => FromEntity(project);
}

/// <summary>The answer to a create: the project plus its webhook secret, which is never shown again.</summary>
public sealed record CreatedProjectDto : ProjectDto
{
    public required string WebhookSecret { get; init; }
}
