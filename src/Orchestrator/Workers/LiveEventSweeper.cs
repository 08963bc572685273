using Comet.Application.Events;
using Comet.Application.Events.Commands;
using MediatR;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Workers;

/// <summary>Every Events:SweepInterval, deletes the live events past Events:RetainFor or Events:RetainCount.</summary>
public sealed class LiveEventSweeper(IServiceScopeFactory scopes, IOptions<LiveEventOptions> options, TimeProvider clock, ILogger<LiveEventSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var removed = await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new SweepLiveEventsCommand(), stoppingToken);
                if (removed > 0) logger.LogDebug("Live event sweep removed {Count} events", removed);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The live event sweep failed; trying again at the next interval");
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
