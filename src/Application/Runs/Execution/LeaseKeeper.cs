using Comet.Application.Common.Interfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.Application.Runs.Execution;

/// <summary>
/// The heartbeat of one running job: renews its lease every third of Runner:LeaseDuration, each time on a context of
/// its own (through <see cref="JobRecorder"/>), and cancels the job when it is no longer this node's (cancelled or
/// taken over elsewhere). A failed renewal is logged and tried again at the next beat; it never ends the heartbeat.
/// It beats on a thread of its own: on a small machine, a job storing a big report kept the thread pool busy long
/// enough for a pooled heartbeat to miss a one-second lease.
/// </summary>
public sealed class LeaseKeeper(JobRecorder recorder, INodeIdentity node, IOptions<RunnerOptions> options, ILogger<LeaseKeeper> logger)
{
    /// <param name="finishing">
    /// Set once the executor records the job's end: from then on a renewal that finds the job no longer running only
    /// means the end was recorded first, not that someone else took the job.
    /// </param>
    /// <returns>A task that ends when the heartbeat has stopped.</returns>
    public Task KeepAsync(Guid jobId, CancellationTokenSource cancelJob, CancellationToken finishing, CancellationToken stop)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Beat(jobId, cancelJob, finishing, stop);
            }
            finally
            {
                stopped.SetResult();
            }
        })
        {
            IsBackground = true,
            Name = $"Lease of job {jobId:N}",
        };
        thread.Start();
        return stopped.Task;
    }

    private void Beat(Guid jobId, CancellationTokenSource cancelJob, CancellationToken finishing, CancellationToken stop)
    {
        var lease = options.Value.LeaseDuration;
        while (!stop.WaitHandle.WaitOne(lease / 3))
        {
            bool renewed;
            try
            {
                renewed = recorder.RenewLease(jobId, node.Id, lease, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not renew the lease of job {JobId}; trying again at the next beat", jobId);
                continue;
            }
            if (renewed) continue;
            if (finishing.IsCancellationRequested) return;
            logger.LogInformation("Job {JobId} is no longer running here; stopping it", jobId);
            try { cancelJob.Cancel(); } catch (ObjectDisposedException) { }
            return;
        }
    }
}
