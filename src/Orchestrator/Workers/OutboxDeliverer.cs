using Comet.Application.Outbound;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Workers;

/// <summary>
/// The outbox loop: claims due messages with a lease and delivers up to Outbox:Concurrency of them at once, each in its
/// own scope and DbContext. It wakes when a commit enqueued something (<see cref="OutboxSignal"/>) or a delivery
/// finished, and otherwise every Outbox:PollInterval. Decisions live in <see cref="OutboxClaims"/> and
/// <see cref="OutboxDelivery"/>; this class only keeps time and slots.
/// </summary>
public sealed class OutboxDeliverer(
    IServiceScopeFactory scopes,
    OutboxSignal signal,
    OutboxMetrics metrics,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDeliverer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        await ReleaseOwnLeasesAsync(stoppingToken);
        var slots = new SemaphoreSlim(options.Value.Concurrency);
        var deliveries = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                IReadOnlyList<Guid> claimed;
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var claims = scope.ServiceProvider.GetRequiredService<OutboxClaims>();
                    claimed = await claims.ClaimAsync(slots.CurrentCount, stoppingToken);
                    metrics.DeadNow(await claims.CountDeadAsync(stoppingToken));
                }
                foreach (var id in claimed)
                {
                    await slots.WaitAsync(stoppingToken);
                    deliveries.Add(DeliverAsync(id, slots, stoppingToken));
                }
                deliveries.RemoveAll(t => t.IsCompleted);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The outbox pass failed; trying again at the next poll");
            }
            await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
        }
        // A delivery cut short keeps its lease; the next start lets it go and sends the message again.
        await Task.WhenAll(deliveries);
    }

    private async Task ReleaseOwnLeasesAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var released = await scope.ServiceProvider.GetRequiredService<OutboxClaims>().ReleaseOwnLeasesAsync(stoppingToken);
            if (released > 0) logger.LogWarning("Took back {Count} outbox message(s) this node was sending when it last stopped", released);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Releasing this node's outbox leases failed; they lapse on their own");
        }
    }

    private async Task ReleaseAsync(Guid messageId, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<OutboxClaims>().ReleaseAsync(messageId, stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Releasing outbox message {MessageId} failed; its lease lapses on its own", messageId);
        }
    }

    private async Task DeliverAsync(Guid messageId, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<OutboxDelivery>().DeliverAsync(messageId, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Delivering outbox message {MessageId} failed inside Comet; it is tried again", messageId);
            await ReleaseAsync(messageId, stoppingToken);
        }
        finally
        {
            slots.Release();
            signal.Notify();
        }
    }
}
