using Comet.Application.Common.Interfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.Application.Runs.Execution;

/// <summary>
/// The heartbeat of one running job: renews its lease every third of Runner:LeaseDuration, each time on a context of
/// its own (through <see cref="JobRecorder"/>), and cancels the job when it is no longer this node's (cancelled or
/// taken over elsewhere). A failed renewal is logged and tried again at the next beat; it never ends the heartbeat.
/// </summary>
public sealed class LeaseKeeper(JobRecorder recorder, INodeIdentity node, IOptions<RunnerOptions> options, TimeProvider clock,
    ILogger<LeaseKeeper> logger)
{
    public async Task KeepAsync(Guid jobId, CancellationTokenSource cancelJob, CancellationToken stop)
    {
        var lease = options.Value.LeaseDuration;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(lease / 3, clock, stop);
                bool renewed;
                try
                {
                    renewed = await recorder.RenewLeaseAsync(jobId, node.Id, lease, stop);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Could not renew the lease of job {JobId}; trying again at the next beat", jobId);
                    continue;
                }
                if (!renewed)
                {
                    logger.LogInformation("Job {JobId} is no longer running here; stopping it", jobId);
                    await cancelJob.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
