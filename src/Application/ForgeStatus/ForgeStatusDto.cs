using Comet.Application.Common.Interfaces;
using Comet.Domain.Common;
using Comet.Domain.Outbound;
using Comet.Domain.Projects;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.ForgeStatus;

/// <summary>A project's forge-status setting as its members see it: the token's secret by name, never a value.</summary>
public sealed record ForgeStatusDto
{
    public string Forge { get; init; } = "";

    /// <summary>The API the statuses go to (the forge's public one when none was given).</summary>
    public string? ApiUrl { get; init; }
    public string TokenSecret { get; init; } = "";
    public bool PerJob { get; init; }

    /// <summary>The repository on the forge ("acme/shop-api"), as given or read from the project's repoUrl.</summary>
    public string? Repository { get; init; }
    public string? UpdatedBy { get; init; }
    public DateTime UpdatedAt { get; init; }

    /// <summary>What stops statuses from getting through, e.g. "status token rejected (401 from https://api.github.com at …)"; null when nothing does.</summary>
    public string? Problem { get; init; }
}

public static class ForgeStatusReading
{
    public static async Task<ForgeStatusDto> ToDtoAsync(ICometDbContext db, Project project, ForgeStatusSetting setting, CancellationToken cancellationToken)
    {
        var target = ForgeTarget.Of(project, setting);
        return new ForgeStatusDto
        {
            Forge = StatusName.Of(project.Forge), ApiUrl = setting.ApiUrl ?? ForgeTarget.DefaultApi(project.Forge), TokenSecret = setting.TokenSecret,
            PerJob = setting.PerJob, Repository = setting.Repository ?? ForgeTarget.RepositoryOf(project.RepoUrl), UpdatedBy = setting.UpdatedBy,
            UpdatedAt = setting.UpdatedAt,
            Problem = target is null
                ? "statuses cannot be sent: the project's forge, API URL or repository is unknown"
                : await ProblemAsync(db, project.Id, cancellationToken),
        };
    }

    /// <summary>
    /// The latest forge status that died for its token — the forge refused it (401, 403, 404: the token is wrong, expired
    /// or lacks access to the repository) or its secret is missing or unreadable — unless a later one got through.
    /// </summary>
    private static async Task<string?> ProblemAsync(ICometDbContext db, Guid projectId, CancellationToken cancellationToken)
    {
        var kind = Application.Outbound.OutboundKinds.ForgeStatus;
        var refused = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.ProjectId == projectId && m.Kind == kind && m.State == OutboxState.Dead && m.DeadReason != null
                        && ((m.DeadReason.StartsWith("rejected") && (m.LastStatusCode == 401 || m.LastStatusCode == 403 || m.LastStatusCode == 404))
                            || m.DeadReason.StartsWith("secret '")))
            .OrderByDescending(m => m.DeadAt).Select(m => new { m.LastStatusCode, m.Destination, m.DeadAt, m.DeadReason }).FirstOrDefaultAsync(cancellationToken);
        if (refused is null) return null;
        var laterDelivered = await db.OutboxMessages.AsNoTracking()
            .AnyAsync(m => m.ProjectId == projectId && m.Kind == kind && m.State == OutboxState.Delivered && m.DeliveredAt > refused.DeadAt, cancellationToken);
        if (laterDelivered) return null;
        return refused.DeadReason!.StartsWith("secret '", StringComparison.Ordinal)
            ? $"status token unavailable: {refused.DeadReason} (at {refused.DeadAt:yyyy-MM-ddTHH:mm:ssZ})"
            : $"status token rejected ({refused.LastStatusCode} from {refused.Destination} at {refused.DeadAt:yyyy-MM-ddTHH:mm:ssZ})";
    }
}

public static class ForgeStatusAuditActions
{
    public const string Set = "forge_status_set";
}
