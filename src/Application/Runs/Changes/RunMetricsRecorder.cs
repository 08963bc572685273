using Comet.Application.Common.Interfaces;
using Comet.Domain.Common;
using Comet.Domain.Runs;

namespace Comet.Application.Runs.Changes;

/// <summary>
/// Counts what ends and times what ran, from the status changes every save and bulk update hands to the handlers: the
/// one place that sees each run, job and step change, whoever made it (the executor, the scheduler, a cancel, a restart
/// marking jobs lost). It adds nothing to the context. Registered last, so a handler that fails the save fails it
/// before anything is counted.
/// </summary>
public sealed class RunMetricsRecorder(RunMetrics metrics) : IRunChangeHandler
{
    private static readonly string Queued = StatusName.Of(JobStatus.Queued);

    public Task OnChangesAsync(IReadOnlyList<RunChange> changes, ICometDbContext db, CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            switch (change)
            {
                case { Kind: RunChangeKind.Run, Run: { } run } when RunTransitions.Table.IsTerminal(run.Status):
                    metrics.RunCompleted(change.To);
                    break;
                case { Kind: RunChangeKind.Job, Job: { } job } when job.Status == JobStatus.Running && change.From == Queued:
                    if (job is { QueuedAt: { } queued, StartedAt: { } claimed }) metrics.JobClaimed(claimed - queued);
                    break;
                case { Kind: RunChangeKind.Job, Job: { } job } when JobTransitions.Table.IsTerminal(job.Status):
                    metrics.JobCompleted(change.To, job is { StartedAt: { } jobStarted, FinishedAt: { } jobFinished } ? jobFinished - jobStarted : null);
                    break;
                case { Kind: RunChangeKind.Step, Step: { StartedAt: { } started, FinishedAt: { } finished } step }
                    when StepTransitions.Table.IsTerminal(step.Status):
                    metrics.StepCompleted(change.To, finished - started);
                    break;
            }
        }
        return Task.CompletedTask;
    }
}
