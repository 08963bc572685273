using Comet.Domain.Outbound;
using Comet.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Comet.Infrastructure.Health;

/// <summary>
/// Degraded when messages were dead-lettered in the last hour: statuses or notifications are not getting out and
/// someone should look at the delivery log. Old dead messages alone do not keep it degraded.
/// </summary>
public sealed class OutboxHealthCheck(CometDbContext db, TimeProvider clock) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var since = clock.GetUtcNow().UtcDateTime.AddHours(-1);
        var recent = await db.OutboxMessages.CountAsync(m => m.State == OutboxState.Dead && m.DeadAt >= since, cancellationToken);
        if (recent == 0) return HealthCheckResult.Healthy("no message was dead-lettered in the last hour");
        var dead = await db.OutboxMessages.CountAsync(m => m.State == OutboxState.Dead, cancellationToken);
        return HealthCheckResult.Degraded($"{recent} outbox message(s) dead-lettered in the last hour ({dead} dead in all); see the deliveries of each project");
    }
}
