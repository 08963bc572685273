using Comet.Application.Common.Interfaces;
using Comet.Domain.Environments;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Environments;

/// <summary>An environment as the API answers with it: its rules, what runs there now, and its latest deployment.</summary>
internal static class EnvironmentReading
{
    public static async Task<EnvironmentDto> OneAsync(ICometDbContext db, DeploymentEnvironment environment, CancellationToken cancellationToken)
    {
        var deployments = db.Deployments.AsNoTracking().Where(d => d.EnvironmentId == environment.Id)
            .OrderByDescending(d => d.StartedAt).ThenByDescending(d => d.Id);
        var projection = DeploymentDto.Projection(environment.Name);
        return new EnvironmentDto
        {
            Name = environment.Name,
            Url = environment.Url,
            CreatedAt = environment.CreatedAt,
            Current = await deployments.Where(d => d.Status == DeploymentStatus.Success).Select(projection).FirstOrDefaultAsync(cancellationToken),
            Latest = await deployments.Select(projection).FirstOrDefaultAsync(cancellationToken),
            Protection = EnvironmentProtectionDto.From(environment),
        };
    }
}
