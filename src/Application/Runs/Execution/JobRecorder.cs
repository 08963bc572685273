using Comet.Application.Common;
using Comet.Application.Common.Interfaces;
using Comet.Application.Environments;
using Comet.Application.Pipelines;
using Comet.Application.Runs.Changes;
using Comet.Application.Secrets;
using Comet.Domain.Common;
using Comet.Domain.Environments;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Comet.Application.Runs.Execution;

/// <summary>
/// Every database write of a running job, each on a short-lived context of its own scope. The executor holds no
/// context while steps run, so the lease heartbeat, step saves and report inserts never share one (EF contexts are
/// not safe for concurrent use: a shared one once stopped the heartbeat while the run still ended "success").
/// </summary>
public sealed class JobRecorder(IServiceScopeFactory scopes, DatabaseWriteGate gate, TimeProvider clock, ILogger<JobRecorder> logger)
{
    /// <summary>What the executor needs to know of a claimed job, read once.</summary>
    public async Task<JobPlan> LoadAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
        var job = await db.Jobs.AsNoTracking().Include(j => j.Steps).FirstAsync(j => j.Id == jobId, cancellationToken);
        var run = await db.Runs.AsNoTracking().FirstAsync(r => r.Id == job.RunId, cancellationToken);
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == run.ProjectId, cancellationToken);
        return new JobPlan(job, run, project, JobSpec.Of(job), job.Steps.OrderBy(s => s.Index).Select(s => s.Index).ToList());
    }

    /// <summary>
    /// The secrets the job names, looked up (and each use audited) in a scope of its own. A database that fails here
    /// fails the job with the reason: a job that asked for secrets never runs without them.
    /// </summary>
    public async Task<JobSecretsOutcome> ResolveSecretsAsync(JobPlan plan, string? environment, CancellationToken cancellationToken)
    {
        if (plan.Spec.Secrets is not { Count: > 0 } wanted) return JobSecretsOutcome.None;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<JobSecrets>()
                .ResolveAsync(plan.Job, plan.Run, plan.Project, wanted, environment, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Job {JobId}: its secrets could not be looked up", plan.Job.Id);
            return new JobSecretsOutcome([], $"the job's secrets could not be looked up: {ex.Message}");
        }
    }

    /// <summary>
    /// Why the environment the job deploys to refuses the run's ref now, or null. A lookup that fails refuses too: a
    /// deploy whose rules cannot be read does not run.
    /// </summary>
    public async Task<string?> DeployRefusalAsync(JobPlan plan)
    {
        if (plan.Spec.DeploysTo is not { } wanted) return null;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
            var environment = await db.Environments.AsNoTracking()
                .FirstOrDefaultAsync(e => e.ProjectId == plan.Project.Id && e.Name == wanted.Name, CancellationToken.None);
            return environment is null ? null : DeployGate.RefRefusal(environment, plan.Run);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Job {JobId}: the rules of environment {Environment} could not be read", plan.Job.Id, wanted.Name);
            return $"the rules of environment '{wanted.Name}' could not be read: {ex.Message}";
        }
    }

    /// <summary>
    /// A job that names an environment starts deploying: the environment is made on first use (its url updated when the
    /// job gives one) and a running deployment is written. A failure here is a warning, not the job's end: the record is
    /// bookkeeping, and the job's own status still tells whether it deployed.
    /// </summary>
    public async Task DeploymentStartedAsync(JobPlan plan)
    {
        if (plan.Spec.DeploysTo is not { } wanted) return;
        try
        {
            var environmentId = await EnvironmentIdAsync(plan.Project.Id, wanted);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
            db.Deployments.Add(new Deployment(environmentId, plan.Project.Id, plan.Run, plan.Job, wanted.Url, Now()));
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Job {JobId}: its deployment to {Environment} could not be recorded", plan.Job.Id, wanted.Name);
            await AddWarningsAsync(plan.Job.Id, [$"the deployment to '{wanted.Name}' could not be recorded: {ex.Message}"]);
        }
    }

    /// <summary>The environment's id, made if new. Two jobs may make the same one at once: the unique index lets one insert win, the other reads it.</summary>
    private async Task<Guid> EnvironmentIdAsync(Guid projectId, EnvironmentDefinition wanted)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
            var environment = await db.Environments.FirstOrDefaultAsync(e => e.ProjectId == projectId && e.Name == wanted.Name);
            if (environment is not null)
            {
                if (wanted.Url is { } url && environment.Url != url)
                    await db.Environments.Where(e => e.Id == environment.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.Url, url));
                return environment.Id;
            }
            environment = new DeploymentEnvironment(projectId, wanted.Name, wanted.Url, Now());
            db.Environments.Add(environment);
            try
            {
                await db.SaveChangesAsync(CancellationToken.None);
                return environment.Id;
            }
            catch (DbUpdateException) when (attempt == 0)
            {
                // Made by another job meanwhile: read it on the next turn.
            }
        }
    }

    public Task StepStartedAsync(Guid jobId, int index)
    {
        var now = Now();
        return MoveStepAsync(jobId, index, StepStatus.Pending, StepStatus.Running,
            s => s.SetProperty(x => x.Status, StepStatus.Running).SetProperty(x => x.StartedAt, now));
    }

    public Task StepEndedAsync(Guid jobId, int index, StepStatus status, int? exitCode = null)
    {
        var now = Now();
        return MoveStepAsync(jobId, index, StepStatus.Running, status,
            s => s.SetProperty(x => x.Status, status).SetProperty(x => x.FinishedAt, now).SetProperty(x => x.ExitCode, exitCode));
    }

    /// <summary>
    /// Runs <paramref name="work"/> against the tracked job in a scope of its own (placing artifacts in, keeping
    /// reports and artifacts out) and saves the job's warnings afterwards. Whatever fails inside becomes a job warning
    /// in a fresh context, so a row the database refused is never tried again with the job's own changes.
    /// </summary>
    public async Task WithJobAsync(Guid jobId, string whatFailed, Func<IServiceProvider, Job, PipelineRun, Task> work)
    {
        IReadOnlyList<string> before = [];
        Job? job = null;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
            job = await db.Jobs.FirstAsync(j => j.Id == jobId);
            before = job.Warnings.ToList();
            var run = await db.Runs.AsNoTracking().FirstAsync(r => r.Id == job.RunId);
            await work(scope.ServiceProvider, job, run);
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Job {JobId}: {What}", jobId, whatFailed);
            // The warnings noted before the failure still tell the user something; the refused rows are dropped.
            var noted = job?.Warnings.Skip(before.Count).ToList() ?? [];
            await AddWarningsAsync(jobId, [.. noted, $"{whatFailed}: {ex.Message}"]);
        }
    }

    public async Task AddWarningsAsync(Guid jobId, IReadOnlyList<string> warnings)
    {
        if (warnings.Count == 0) return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
        var job = await db.Jobs.FirstAsync(j => j.Id == jobId);
        foreach (var warning in warnings) job.Warn(warning);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>
    /// The job's end: its pending steps closed, its status set unless it was cancelled meanwhile (from this or another
    /// node: that word stands), and its next attempt queued when its retry allows.
    /// </summary>
    public async Task FinishAsync(Guid jobId, JobSpec spec, JobStatus status, string? note)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
        var job = await db.Jobs.Include(j => j.Steps).FirstAsync(j => j.Id == jobId);
        var now = Now();
        foreach (var step in job.Steps.Where(s => s.Status == StepStatus.Pending))
            step.MoveTo(status == JobStatus.Cancelled ? StepStatus.Cancelled : StepStatus.Skipped, now);
        if (job.Status == JobStatus.Running)
        {
            job.MoveTo(status, now, note);
            if (job.CanRetry)
            {
                var next = job.NextAttempt(now);
                spec.AddStepsTo(next);
                db.Jobs.Add(next);
            }
        }
        await db.SaveChangesAsync(CancellationToken.None);
        if (spec.DeploysTo is not null && Deployment.StatusFor(job.Status) is { } ended)
            await FinishDeploymentAsync(scope.ServiceProvider, db, jobId, ended, job.FinishedAt ?? now);
    }

    /// <summary>The job's open deployment takes its final status (a cancel from elsewhere included).</summary>
    private static Task FinishDeploymentAsync(IServiceProvider services, ICometDbContext db, Guid jobId, DeploymentStatus status, DateTime finishedAt) =>
        services.GetRequiredService<IBulkRunChanges>().UpdateAsync(
            () => db.Deployments.Where(d => d.JobId == jobId && d.Status == DeploymentStatus.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.Status, status).SetProperty(d => d.FinishedAt, finishedAt), CancellationToken.None),
            () => DeploymentChanges.EndedAsync(db, [jobId], finishedAt), CancellationToken.None);

    /// <summary>
    /// Extends this node's lease on a running job; false when the job is no longer running here. Synchronous on
    /// purpose: the heartbeat calls it from a thread of its own (see <see cref="LeaseKeeper"/>).
    /// </summary>
    public bool RenewLease(Guid jobId, string node, TimeSpan lease, CancellationToken cancellationToken)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
        // The expiry is reckoned once it is this write's turn, so a wait never makes it stale on arrival.
        using var turn = gate.Enter(cancellationToken);
        var until = Now() + lease;
        var renewed = db.Jobs
            .Where(j => j.Id == jobId && j.Status == JobStatus.Running && j.LeaseOwner == node)
            .ExecuteUpdate(s => s.SetProperty(j => j.LeaseExpiresAt, until));
        return renewed > 0;
    }

    /// <summary>
    /// One statement per step change (a step's start and end are on every step's path): the transition is checked
    /// against the domain's table, and the row is changed only while it still has the status the change starts from.
    /// </summary>
    private async Task MoveStepAsync(Guid jobId, int index, StepStatus from, StepStatus to,
        Action<UpdateSettersBuilder<Step>> change)
    {
        StepTransitions.Table.EnsureAllowed(from, to);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ICometDbContext>();
        var changed = await scope.ServiceProvider.GetRequiredService<IBulkRunChanges>().UpdateAsync(
            () => db.Steps.Where(s => s.JobId == jobId && s.Index == index && s.Status == from).ExecuteUpdateAsync(change, CancellationToken.None),
            async () =>
            {
                var step = await db.Steps.AsNoTracking().FirstAsync(s => s.JobId == jobId && s.Index == index, CancellationToken.None);
                return [new RunChange(RunChangeKind.Step, Guid.Empty, StatusName.Of(from), StatusName.Of(to)) { Step = step }];
            }, CancellationToken.None);
        if (changed == 0)
            throw new InvalidOperationException($"Step {index} of job {jobId} is no longer {from}; it was not moved to {to}.");
    }

    private DateTime Now() => clock.GetUtcNow().UtcDateTime;
}

/// <summary>A claimed job as read when it starts (untracked: the recorder writes through contexts of its own).</summary>
public sealed record JobPlan(Job Job, PipelineRun Run, Project Project, JobSpec Spec, IReadOnlyList<int> StepIndexes);
