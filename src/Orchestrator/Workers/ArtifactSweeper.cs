using Comet.Application.Artifacts;
using Comet.Application.Artifacts.Commands;
using MediatR;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Workers;

/// <summary>Every Artifacts:SweepInterval, removes expired artifacts and the stored files nothing refers to any more.</summary>
public sealed class ArtifactSweeper(IServiceScopeFactory scopes, IOptions<ArtifactOptions> options, TimeProvider clock, ILogger<ArtifactSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var result = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new SweepExpiredArtifactsCommand(), stoppingToken);
                if (result.ArtifactsRemoved > 0 || result.ContentsRemoved > 0)
                    logger.LogInformation("Artifact sweep removed {Artifacts} expired artifacts and {Contents} stored files", result.ArtifactsRemoved, result.ContentsRemoved);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The artifact sweep failed; trying again at the next interval");
            }
            try
            {
                await Task.Delay(options.Value.SweepInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
