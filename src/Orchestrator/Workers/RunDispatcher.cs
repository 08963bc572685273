using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Workers;

/// <summary>
/// The run loop: after marking what a previous process left running as lost, it moves waiting jobs
/// on, claims queued jobs up to Runner:MaxParallelJobs and runs each in its own scope. It wakes when
/// signalled (new run, finished job) and otherwise every Runner:PollInterval. All decisions live in
/// <see cref="RunScheduler"/> and <see cref="JobExecutor"/>; this class only keeps time and slots.
/// </summary>
public sealed class RunDispatcher(
    IServiceScopeFactory scopes,
    DispatchSignal signal,
    IOptions<RunnerOptions> options,
    ILogger<RunDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RecoverAsync(stoppingToken);
        var slots = new SemaphoreSlim(options.Value.MaxParallelJobs);
        var jobs = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using (var scope = scopes.CreateAsyncScope())
                    await scope.ServiceProvider.GetRequiredService<RunScheduler>().PromoteAsync(stoppingToken);

                while (slots.CurrentCount > 0 && !stoppingToken.IsCancellationRequested)
                {
                    Guid? jobId;
                    await using (var scope = scopes.CreateAsyncScope())
                        jobId = await scope.ServiceProvider.GetRequiredService<RunScheduler>().ClaimNextAsync(stoppingToken);
                    if (jobId is null) break;
                    await slots.WaitAsync(stoppingToken);
                    jobs.Add(RunJobAsync(jobId.Value, slots, stoppingToken));
                }
                jobs.RemoveAll(t => t.IsCompleted);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "The dispatcher pass failed; trying again shortly");
            }
            await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
        }
        // Stopping kills the running steps; their jobs stay "running" and the next start marks them lost.
        await Task.WhenAll(jobs);
    }

    private async Task RecoverAsync(CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var lost = await scope.ServiceProvider.GetRequiredService<RunScheduler>().RecoverLostJobsAsync(stoppingToken);
            if (lost > 0) logger.LogWarning("Marked {Count} job(s) lost: they were running when the orchestrator last stopped", lost);
            // What those jobs left on this machine: processes still running (a local step's group) and their workspaces.
            var removed = scope.ServiceProvider.GetRequiredService<IJobBackend>().RemoveLeftovers();
            if (removed > 0) logger.LogWarning("Removed {Count} workspace(s) left by lost jobs", removed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Recovering jobs left running failed");
        }
    }

    private async Task RunJobAsync(Guid jobId, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<JobExecutor>().ExecuteAsync(jobId, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Job {JobId} failed inside Comet", jobId);
        }
        finally
        {
            slots.Release();
            signal.Notify();
        }
    }
}
