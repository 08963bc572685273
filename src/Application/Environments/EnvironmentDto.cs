using System.Linq.Expressions;
using Comet.Domain.Environments;

namespace Comet.Application.Environments;

/// <summary>An environment, its url, and what is deployed there.</summary>
public sealed record EnvironmentDto
{
    public required string Name { get; init; }
    public string? Url { get; init; }
    public required DateTime CreatedAt { get; init; }

    /// <summary>The latest successful deployment: what the environment runs now, as far as Comet knows. Null: none yet.</summary>
    public DeploymentDto? Current { get; init; }

    /// <summary>The latest deployment of any status (running, failed…); the same as <see cref="Current"/> when that one is the latest.</summary>
    public DeploymentDto? Latest { get; init; }

    /// <summary>The rules a deploy here must pass (all off until a maintainer sets them).</summary>
    public required EnvironmentProtectionDto Protection { get; init; }
}

/// <summary>An environment's protection rules as the API shows and takes them.</summary>
public sealed record EnvironmentProtectionDto(
    int RequiredApprovals,
    IReadOnlyList<string> Branches,
    IReadOnlyList<string> Tags,
    bool AllowSelfApproval,
    string? ApprovalTimeout,
    bool DeployLock)
{
    public static EnvironmentProtectionDto From(DeploymentEnvironment e) => new(e.RequiredApprovals, e.Branches, e.Tags, e.AllowSelfApproval,
        e.ApprovalTimeout is { } t ? Pipelines.DurationParser.Format(t) : null, e.DeployLock);
}

public sealed record DeploymentDto
{
    public required Guid Id { get; init; }
    public required string Environment { get; init; }
    public required Guid RunId { get; init; }
    public required long RunNumber { get; init; }
    public required Guid JobId { get; init; }
    public required string JobName { get; init; }
    public required int Attempt { get; init; }
    public required string Sha { get; init; }
    public required string Ref { get; init; }

    /// <summary>Who caused the run: a user, the forge login that pushed, or the schedule; null when Comet does not know.</summary>
    public string? TriggeredBy { get; init; }
    public string? Url { get; init; }
    public required DeploymentStatus Status { get; init; }
    public required DateTime StartedAt { get; init; }
    public DateTime? FinishedAt { get; init; }

    public static Expression<Func<Deployment, DeploymentDto>> Projection(string environment) => d => new DeploymentDto
    {
        Id = d.Id,
        Environment = environment,
        RunId = d.RunId,
        RunNumber = d.RunNumber,
        JobId = d.JobId,
        JobName = d.JobName,
        Attempt = d.Attempt,
        Sha = d.Sha,
        Ref = d.Ref,
        TriggeredBy = d.TriggeredBy,
        Url = d.Url,
        Status = d.Status,
        StartedAt = d.StartedAt,
        FinishedAt = d.FinishedAt,
    };
}
