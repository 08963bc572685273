using Comet.Application.Schedules;
using Comet.Application.Schedules.Commands;
using MediatR;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Workers;

/// <summary>
/// Every Schedules:PollInterval, fires the schedules whose slot is due: each slot in a scope (and DbContext) of its
/// own, so one schedule's failure or lost claim leaves the others untouched. Safe on every node that shares the
/// database: the slot claim in <see cref="FireScheduleCommand"/> lets one of them fire it.
/// </summary>
public sealed class SchedulerLoop(IServiceScopeFactory scopes, IOptions<ScheduleOptions> options, TimeProvider clock, ILogger<SchedulerLoop> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await FireDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Looking for due schedules failed; trying again at the next poll");
            }
            try
            {
                await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>One poll: finds the due slots and fires each. Returns what each came to (for tests and logs).</summary>
    public async Task<IReadOnlyList<FireResult>> FireDueAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<DueSlot> due;
        await using (var scope = scopes.CreateAsyncScope())
            due = await ActivatorUtilities.CreateInstance<DueSchedules>(scope.ServiceProvider).FindAsync(cancellationToken);

        var results = new List<FireResult>(due.Count);
        foreach (var slot in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var result = await scope.ServiceProvider.GetRequiredService<IMediator>()
                    .Send(new FireScheduleCommand(slot.ScheduleId, slot.SlotAt), cancellationToken);
                if (result.Outcome is FireOutcome.RunCreated or FireOutcome.NotTriggered)
                    logger.LogInformation("Schedule {ScheduleId} fired its {Slot:o} slot: {Outcome} {RunId} {Detail}",
                        slot.ScheduleId, slot.SlotAt, result.Outcome, result.RunId, result.Detail);
                results.Add(result);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Schedule {ScheduleId} could not fire its {Slot:o} slot; the next poll tries again", slot.ScheduleId, slot.SlotAt);
            }
        }
        return results;
    }
}
