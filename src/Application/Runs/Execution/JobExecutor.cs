using Comet.Application.Artifacts;
using Comet.Application.Common.Interfaces;
using Comet.Application.Pipelines;
using Comet.Application.TestReports;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.Application.Runs.Execution;

/// <summary>
/// Runs one claimed job on this node: a fresh workspace at the run's commit with the artifacts of the jobs it needs,
/// then its steps one by one through the step backend, each with its own log, then its reports and artifacts are
/// kept. Keeps the lease alive while it works and stops at once when the job is cancelled, times out or the node
/// shuts down.
/// </summary>
public sealed class JobExecutor(
    ICometDbContext db,
    IGitRepositories git,
    IStepBackend backend,
    IStepLogStore logs,
    IWorkspaces workspaces,
    NeededArtifacts neededArtifacts,
    ReportCollector reports,
    ArtifactCollector artifacts,
    INodeIdentity node,
    RunningJobs runningJobs,
    IOptions<RunnerOptions> options,
    TimeProvider clock,
    ILogger<JobExecutor> logger)
{
    public async Task ExecuteAsync(Guid jobId, CancellationToken stopping)
    {
        var job = await db.Jobs.Include(j => j.Steps).FirstAsync(j => j.Id == jobId, stopping);
        var run = await db.Runs.FirstAsync(r => r.Id == job.RunId, stopping);
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == run.ProjectId, stopping);
        var spec = JobSpec.Of(job);
        var jobTimeout = spec.Timeout ?? options.Value.DefaultJobTimeout;

        using var cancel = runningJobs.Register(job.Id, stopping);
        using var timeout = new CancellationTokenSource(jobTimeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, timeout.Token);
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = KeepLeaseAsync(job.Id, cancel, heartbeatStop.Token);
        var folders = workspaces.Create(job.Id);
        try
        {
            var failure = await PrepareWorkspaceAsync(project, run, folders, stop.Token);
            if (failure is null) await PlaceNeededArtifactsAsync(job, folders.Workspace);
            var outcome = failure is null
                ? await RunStepsAsync(job, spec, run, project, folders, stop.Token,
                    () => timeout.IsCancellationRequested && !cancel.IsCancellationRequested, jobTimeout)
                : JobOutcome.Failed(failure);
            if (stopping.IsCancellationRequested)
            {
                // Shutting down: leave the job running; the next start marks it lost, honestly.
                return;
            }
            if (timeout.IsCancellationRequested && !cancel.IsCancellationRequested)
                outcome = JobOutcome.Failed($"the job timed out after {DurationParser.Format(jobTimeout)}");
            if (failure is null && outcome.Status != JobStatus.Cancelled)
                await KeepOutputsAsync(job, run, spec, folders.Workspace, outcome.Status == JobStatus.Success);
            await db.SaveChangesAsync(CancellationToken.None); // warnings from placing and keeping files
            await heartbeatStop.CancelAsync();
            await FinishAsync(job, spec, outcome, CancellationToken.None);
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            runningJobs.Unregister(job.Id);
            TryDeleteWorkspace(job.Id);
        }
    }

    private async Task<string?> PrepareWorkspaceAsync(Project project, PipelineRun run, JobFolders folders, CancellationToken cancellationToken)
    {
        try
        {
            await git.CheckoutAsync(project.Id, run.Sha!, folders.Workspace, cancellationToken);
            return null;
        }
        catch (GitException ex)
        {
            return ex.Message;
        }
        catch (OperationCanceledException)
        {
            return "the job was stopped before its workspace was ready";
        }
    }

    /// <summary>The artifacts of the jobs this one needs; a failure to place them is a warning (the steps will tell whether it mattered).</summary>
    private async Task PlaceNeededArtifactsAsync(Job job, string workspace)
    {
        try
        {
            await neededArtifacts.PlaceAsync(job, workspace, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not place the needed artifacts of job {JobId}", job.Id);
            job.Warn($"the artifacts of the needed jobs could not all be placed: {ex.Message}");
        }
    }

    /// <summary>
    /// Reports and artifacts, after the steps passed or failed (not after a cancel). Whatever goes wrong here — a file,
    /// or the database refusing a row — becomes a job warning and the job still ends with the status its steps earned.
    /// </summary>
    private async Task KeepOutputsAsync(Job job, PipelineRun run, JobSpec spec, string workspace, bool succeeded)
    {
        try
        {
            if (spec.Reports is { } wanted) await reports.CollectAsync(job, run, wanted, workspace, CancellationToken.None);
            if (spec.Artifacts is { } kept) await artifacts.CollectAsync(job, run, kept, workspace, succeeded, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Could not keep the reports or artifacts of job {JobId}", job.Id);
            job.Warn($"reports and artifacts could not all be kept: {ex.Message}");
            // What failed to save must not be tried again with the job's own changes.
            DiscardUnsaved(db.TestSuites);
            DiscardUnsaved(db.Coverage);
            DiscardUnsaved(db.Artifacts);
        }
    }

    private static void DiscardUnsaved<T>(DbSet<T> set) where T : class
    {
        foreach (var added in set.Local.Where(e => set.Entry(e).State == EntityState.Added).ToList())
            set.Entry(added).State = EntityState.Detached;
    }

    private async Task<JobOutcome> RunStepsAsync(Job job, JobSpec spec, PipelineRun run, Project project, JobFolders folders,
        CancellationToken cancellationToken, Func<bool> jobTimedOut, TimeSpan jobTimeout)
    {
        var environment = JobEnvironment.For(run, project, spec, folders);
        var failed = false;
        var cancelled = false;
        foreach (var step in job.Steps.OrderBy(s => s.Index))
        {
            var stepSpec = spec.Steps[step.Index];
            if (failed || cancelled || cancellationToken.IsCancellationRequested)
            {
                // After the job's time limit the rest is skipped, as after a failure; only a cancel cancels them.
                step.MoveTo(cancelled || (cancellationToken.IsCancellationRequested && !jobTimedOut()) ? StepStatus.Cancelled : StepStatus.Skipped, Now());
                continue;
            }

            step.MoveTo(StepStatus.Running, Now());
            await db.SaveChangesAsync(CancellationToken.None);

            StepOutcome outcome;
            await using (var log = logs.OpenWriter(run.Id, job.Id, step.Index))
            {
                var stepEnvironment = new Dictionary<string, string>(environment);
                foreach (var (name, value) in stepSpec.Environment) stepEnvironment[name] = value;
                outcome = await backend.RunAsync(new StepLaunch(stepSpec.Run, folders.Workspace, stepEnvironment, stepSpec.Timeout), log, cancellationToken);
                if (outcome.Cancelled && jobTimedOut())
                    await log.WriteLineAsync($"[comet] the job timed out after {DurationParser.Format(jobTimeout)}; this step was stopped");
            }

            // A step stopped by the job's time limit failed: nobody cancelled it.
            var status = outcome.Succeeded ? StepStatus.Success : outcome.Cancelled && !jobTimedOut() ? StepStatus.Cancelled : StepStatus.Failed;
            step.MoveTo(status, Now(), outcome.ExitCode);
            await db.SaveChangesAsync(CancellationToken.None);
            cancelled |= status == StepStatus.Cancelled;
            failed |= status == StepStatus.Failed && !stepSpec.ContinueOnError;
        }
        if (cancelled) return JobOutcome.Cancelled();
        return failed ? JobOutcome.Failed(null) : JobOutcome.Success();
    }

    private async Task FinishAsync(Job job, JobSpec spec, JobOutcome outcome, CancellationToken cancellationToken)
    {
        var now = Now();
        foreach (var step in job.Steps.Where(s => s.Status == StepStatus.Pending))
            step.MoveTo(outcome.Status == JobStatus.Cancelled ? StepStatus.Cancelled : StepStatus.Skipped, now);

        // The job may have been cancelled in the database while it ran (from this or another node):
        // that word stands; the executor then only records its steps.
        var entry = db.Jobs.Entry(job);
        await entry.ReloadAsync(cancellationToken);
        if (job.Status == JobStatus.Running)
        {
            job.MoveTo(outcome.Status, now, outcome.Note);
            if (job.CanRetry)
            {
                var next = job.NextAttempt(now);
                spec.AddStepsTo(next);
                db.Jobs.Add(next);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Renews the lease; when the job is no longer this node's running job (cancelled elsewhere), stops it.</summary>
    private async Task KeepLeaseAsync(Guid jobId, CancellationTokenSource cancel, CancellationToken stop)
    {
        var interval = options.Value.LeaseDuration / 3;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(interval, clock, stop);
                var until = Now() + options.Value.LeaseDuration;
                var renewed = await db.Jobs
                    .Where(j => j.Id == jobId && j.Status == JobStatus.Running && j.LeaseOwner == node.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseExpiresAt, until), stop);
                if (renewed == 0)
                {
                    logger.LogInformation("Job {JobId} is no longer running here; stopping it", jobId);
                    await cancel.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void TryDeleteWorkspace(Guid jobId)
    {
        try
        {
            workspaces.Delete(jobId);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "Could not delete the workspace of job {JobId}", jobId);
        }
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;

    private sealed record JobOutcome(JobStatus Status, string? Note)
    {
        public static JobOutcome Success() => new(JobStatus.Success, null);
        public static JobOutcome Failed(string? note) => new(JobStatus.Failed, note);
        public static JobOutcome Cancelled() => new(JobStatus.Cancelled, "cancelled");
    }
}
