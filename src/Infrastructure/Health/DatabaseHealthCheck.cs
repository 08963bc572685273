using Comet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Comet.Infrastructure.Health;

/// <summary>Ready means the database answers a query, not just that a connection string is set.</summary>
public sealed class DatabaseHealthCheck(CometDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // Touching a real table also proves the migrations ran.
            _ = await db.Projects.AsNoTracking().AnyAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{db.Database.ProviderName} answers");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer: " + ex.Message);
        }
    }
}
