using Comet.Application.Artifacts;
using Comet.Application.Common.Interfaces;
using Comet.Application.Pipelines;
using Comet.Application.Secrets;
using Comet.Application.TestReports;
using Comet.Domain.Runs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.Application.Runs.Execution;

/// <summary>
/// Runs one claimed job on this node, as a small state machine over the job backend: set up an environment, check
/// the commit out, put the needed jobs' artifacts in, run the steps one by one (each with its own log), keep the
/// reports and artifacts, record the end, destroy the environment. The lease heartbeat runs beside it in scopes of
/// its own, and every database write goes through <see cref="JobRecorder"/>; the executor itself holds no context.
/// Stops at once when the job is cancelled, times out or the node shuts down.
/// </summary>
public sealed class JobExecutor(
    JobRecorder recorder,
    LeaseKeeper lease,
    IJobBackend backend,
    IStepLogStore logs,
    RunningJobs runningJobs,
    IOptions<RunnerOptions> options,
    ILogger<JobExecutor> logger)
{
    public async Task ExecuteAsync(Guid jobId, CancellationToken stopping)
    {
        using var cancel = runningJobs.Register(jobId, stopping);
        using var heartbeatStop = new CancellationTokenSource();
        using var finishing = new CancellationTokenSource();
        // The claim set the lease: keep it from here on, before loading the plan, whose first query can take a second
        // on a busy machine (a one-second lease lapsed there once).
        var heartbeat = lease.KeepAsync(jobId, cancel, finishing.Token, heartbeatStop.Token);
        JobPlan plan;
        try
        {
            plan = await recorder.LoadAsync(jobId, stopping);
        }
        catch
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            runningJobs.Unregister(jobId);
            throw;
        }
        using var activity = JobTracing.StartJob(plan);
        var traceId = JobTracing.TraceIdOf(activity, plan.Run);
        var jobTimeout = plan.Spec.Timeout ?? options.Value.DefaultJobTimeout;
        using var timeout = new CancellationTokenSource(jobTimeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel.Token, timeout.Token);
        bool TimedOut() => timeout.IsCancellationRequested && !cancel.IsCancellationRequested;
        IJobEnvironment? place = null;
        try
        {
            // A deployment is on record from the job's start, so even one refused its secrets shows as a failed deploy.
            await recorder.DeploymentStartedAsync(plan);
            // Secrets first: a job refused one fails before its workspace exists, let alone a step. The environment the
            // job deploys to is the only one whose secrets it may use.
            // The environment's ref rules are checked again here: they may have changed since the job was queued.
            var refusal = await recorder.DeployRefusalAsync(plan);
            var secrets = refusal is null ? await recorder.ResolveSecretsAsync(plan, plan.Spec.DeploysTo?.Name, stop.Token) : JobSecretsOutcome.None;
            var failure = refusal ?? secrets.Failure;
            if (failure is null) (place, failure) = await SetUpAsync(plan, stop.Token);
            var outcome = JobOutcome.Failed(failure);
            if (place is not null)
            {
                await recorder.WithJobAsync(jobId, "the artifacts of the needed jobs could not all be placed",
                    (services, job, _) => services.GetRequiredService<NeededArtifacts>().PlaceAsync(job, place, CancellationToken.None));
                outcome = await RunStepsAsync(plan, place, secrets.Secrets, traceId, stop.Token, TimedOut, jobTimeout);
            }
            if (stopping.IsCancellationRequested)
            {
                // Shutting down: leave the job running; the next start marks it lost, honestly.
                return;
            }
            if (TimedOut()) outcome = JobOutcome.Failed($"the job timed out after {DurationParser.Format(jobTimeout)}");
            if (place is not null && outcome.Status != JobStatus.Cancelled)
                await KeepOutputsAsync(plan, place, outcome.Status == JobStatus.Success);
            // The lease is kept until the end is recorded (that write may wait behind others); a renewal that lands
            // after it finds the job ended and the heartbeat stops quietly.
            await finishing.CancelAsync();
            JobTracing.EndJob(activity, outcome.Status);
            await recorder.FinishAsync(jobId, plan.Spec, outcome.Status, outcome.Note);
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
            runningJobs.Unregister(jobId);
            if (place is not null) await DestroyAsync(jobId, place);
        }
    }

    /// <summary>A fresh environment with the run's commit checked out, or why there is none (the job then fails with it).</summary>
    private async Task<(IJobEnvironment? Place, string? Failure)> SetUpAsync(JobPlan plan, CancellationToken cancellationToken)
    {
        IJobEnvironment? place = null;
        try
        {
            place = await backend.SetupAsync(new JobSetup(plan.Job.Id, plan.Project.Id, plan.Run.Sha!, plan.Spec.Network), cancellationToken);
            await place.CheckoutAsync(cancellationToken);
            return (place, null);
        }
        catch (Exception ex) when (ex is GitException or JobBackendException or OperationCanceledException or IOException or UnauthorizedAccessException)
        {
            if (place is not null) await DestroyAsync(plan.Job.Id, place);
            var failure = ex switch
            {
                OperationCanceledException => "the job was stopped before its workspace was ready",
                GitException or JobBackendException => ex.Message,
                _ => $"the job's workspace could not be made: {ex.Message}",
            };
            return (null, failure);
        }
    }

    /// <param name="traceId">The trace the job is part of, named at the top of every step log (null: none is known).</param>
    private async Task<JobOutcome> RunStepsAsync(JobPlan plan, IJobEnvironment place, IReadOnlyList<JobSecret> secrets, string? traceId,
        CancellationToken cancellationToken, Func<bool> jobTimedOut, TimeSpan jobTimeout)
    {
        var jobId = plan.Job.Id;
        var environment = JobEnvironment.For(plan.Job, plan.Run, plan.Project, plan.Spec, place);
        if (await AddSecretsAsync(environment, place, secrets, cancellationToken) is { } refused) return JobOutcome.Failed(refused);
        var masker = SecretMasker.For(secrets.Select(s => s.Value));
        var first = true;
        foreach (var index in plan.StepIndexes)
        {
            // The steps not run are closed by FinishAsync: skipped after a failure or the time limit, else cancelled.
            if (cancellationToken.IsCancellationRequested) return jobTimedOut() ? JobOutcome.Failed(null) : JobOutcome.Cancelled();
            var stepSpec = plan.Spec.Steps[index];
            await recorder.StepStartedAsync(jobId, index);
            using var stepActivity = JobTracing.StartStep(index, stepSpec.Name);

            StepOutcome outcome;
            var stored = logs.OpenWriter(plan.Run.Id, jobId, index);
            await using (var log = masker.IsEmpty ? stored : new MaskingLogWriter(stored, masker))
            {
                if (traceId is not null) await log.WriteLineAsync($"[comet] trace {traceId}");
                if (first) await log.WriteLineAsync($"[comet] {place.Description}");
                first = false;
                var stepEnvironment = new Dictionary<string, string>(environment);
                foreach (var (name, value) in stepSpec.Environment) stepEnvironment[name] = value;
                outcome = await RunStepAsync(place, new StepLaunch(stepSpec.Run, stepEnvironment, stepSpec.Timeout), log, cancellationToken);
                if (outcome.Cancelled && jobTimedOut())
                    await log.WriteLineAsync($"[comet] the job timed out after {DurationParser.Format(jobTimeout)}; this step was stopped");
            }

            // A step stopped by the job's time limit failed: nobody cancelled it.
            var status = outcome.Succeeded ? StepStatus.Success : outcome.Cancelled && !jobTimedOut() ? StepStatus.Cancelled : StepStatus.Failed;
            JobTracing.EndStep(stepActivity, status, outcome.ExitCode);
            await recorder.StepEndedAsync(jobId, index, status, outcome.ExitCode);
            if (status == StepStatus.Cancelled) return JobOutcome.Cancelled();
            if (status == StepStatus.Failed && !stepSpec.ContinueOnError) return JobOutcome.Failed(null);
        }
        return JobOutcome.Success();
    }

    /// <summary>The named secrets as variables, or for <c>file: true</c> as files whose path the variable holds; the failure, if a file cannot be written.</summary>
    private static async Task<string?> AddSecretsAsync(Dictionary<string, string> environment, IJobEnvironment place, IReadOnlyList<JobSecret> secrets,
        CancellationToken cancellationToken)
    {
        foreach (var secret in secrets)
        {
            if (!secret.File)
            {
                environment[secret.Variable] = secret.Value;
                continue;
            }
            try
            {
                environment[secret.Variable] = await place.PutSecretFileAsync(secret.Variable, secret.Value, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JobBackendException)
            {
                return $"the file for secret '{secret.Name}' could not be written: {ex.Message}";
            }
        }
        return null;
    }

    /// <summary>A step the backend could not run (its environment broke underneath it) failed, and its log says why.</summary>
    private async Task<StepOutcome> RunStepAsync(IJobEnvironment place, StepLaunch launch, IStepLogWriter log, CancellationToken cancellationToken)
    {
        try
        {
            return await place.RunStepAsync(launch, log, cancellationToken);
        }
        catch (Exception ex) when (ex is JobBackendException or IOException or UnauthorizedAccessException)
        {
            logger.LogError(ex, "The job backend could not run a step");
            await log.WriteLineAsync($"[comet] the step could not be run: {ex.Message}");
            return new StepOutcome(null, false, false, TimeSpan.Zero);
        }
    }

    /// <summary>
    /// Reports and artifacts, after the steps passed or failed (not after a cancel). Whatever goes wrong here — a file,
    /// or the database refusing a row — becomes a job warning and the job still ends with the status its steps earned.
    /// </summary>
    private Task KeepOutputsAsync(JobPlan plan, IJobEnvironment place, bool succeeded) =>
        recorder.WithJobAsync(plan.Job.Id, "reports and artifacts could not all be kept", async (services, job, run) =>
        {
            if (plan.Spec.Reports is { } wanted)
                await services.GetRequiredService<ReportCollector>().CollectAsync(job, run, wanted, place, CancellationToken.None);
            if (plan.Spec.Artifacts is { } kept)
                await services.GetRequiredService<ArtifactCollector>().CollectAsync(job, run, kept, place, succeeded, CancellationToken.None);
        });

    private async Task DestroyAsync(Guid jobId, IJobEnvironment place)
    {
        try
        {
            await place.DisposeAsync();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JobBackendException)
        {
            logger.LogWarning(ex, "Could not destroy the environment of job {JobId}", jobId);
        }
    }

    private sealed record JobOutcome(JobStatus Status, string? Note)
    {
        public static JobOutcome Success() => new(JobStatus.Success, null);
        public static JobOutcome Failed(string? note) => new(JobStatus.Failed, note);
        public static JobOutcome Cancelled() => new(JobStatus.Cancelled, "cancelled");
    }
}
