using System.Diagnostics;
using Comet.Application.Common.Interfaces;
using Comet.Application.Pipelines;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comet.Application.Runs.Execution;

/// <summary>The outcome of planning: a run to store, or the reason no run is due.</summary>
public sealed record RunPlan(PipelineRun? Run, string? NotTriggeredReason)
{
    public static RunPlan Created(PipelineRun run) => new(run, null);
    public static RunPlan NotTriggered(string reason) => new(null, reason);
}

/// <summary>
/// Turns a trigger into a run with its jobs: fetches the commit, reads and checks the pipeline file,
/// expands matrices and stages, and decides each job's first status. Nothing is saved here, so the
/// caller writes the run together with whatever else belongs in the same transaction (a delivery).
/// A run that cannot be planned (clone failure, bad file) is still created, in <c>error</c>, with the reason.
/// </summary>
public sealed class RunPlanner(ICometDbContext db, IGitRepositories git, IOptions<PipelineOptions> pipelineOptions, TimeProvider clock)
{
    public async Task<RunPlan> PlanAsync(Project project, RunTrigger trigger, bool applyPipelineWhen, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var run = new PipelineRun(project.Id, await NextNumberAsync(project.Id, cancellationToken), trigger.Event, trigger.Ref, trigger.Sha, now);
        run.Describe(trigger.Branch, trigger.Tag, trigger.CommitMessage, trigger.Variables);
        if (trigger.FromFork) run.MarkFromFork();
        run.CausedBy(trigger.TriggeredBy);
        run.AuthoredBy(trigger.CommitAuthor);
        // The request being served (a webhook delivery, a manual trigger): the run's jobs continue its trace.
        run.KeepTraceContext(JobTracing.TraceParentOf(Activity.Current));

        string sha;
        try
        {
            sha = await git.FetchAsync(project.Id, project.RepoUrl, trigger.FetchRef ?? trigger.Ref, trigger.Sha, cancellationToken);
            run.ResolveSha(sha);
            // A manual or cron run, or a forge that sends none (GitHub pull requests): the message and author are in the mirror.
            if (trigger.CommitMessage is null || trigger.CommitAuthor is null)
            {
                var commit = await git.ReadCommitAsync(project.Id, sha, cancellationToken);
                if (trigger.CommitMessage is null) run.ResolveCommitMessage(commit.Message);
                if (trigger.CommitAuthor is null) run.AuthoredBy(commit.AuthorName);
            }
        }
        catch (GitException ex)
        {
            run.MarkError(ex.Message, now);
            return RunPlan.Created(run);
        }

        var yaml = await ReadPipelineFileAsync(project, sha, run, now, cancellationToken);
        if (yaml is null) return RunPlan.Created(run);

        // The limits refuse a file before any job exists, so a refused run costs no more than a small one.
        var parsed = PipelineParser.Parse(yaml, pipelineOptions.Value);
        if (parsed.HasErrors || parsed.Pipeline is null)
        {
            run.MarkError($"{project.PipelineFile} has errors:\n" + string.Join("\n", parsed.Diagnostics
                .Where(d => d.Severity == DiagnosticSeverity.Error)
                .Select(d => $"line {d.Line}, column {d.Column}: {d.Message}")), now);
            return RunPlan.Created(run);
        }

        var pipeline = parsed.Pipeline;
        var context = new TriggerContext(trigger.Event, trigger.Branch, trigger.Tag, trigger.ChangedFiles);
        if (applyPipelineWhen && !TriggerFilter.Matches(pipeline.When, context))
            return RunPlan.NotTriggered($"the pipeline's when: conditions do not match this {trigger.Event}");

        // Every job stores its own copy of its steps and of the variables it gets (the pipeline's, a manual run's), so
        // 500 jobs of a small file with large variables would be gigabytes of rows. Sized before any job exists.
        var planned = JobPlanner.Plan(pipeline);
        var specs = new List<(PlannedJob Job, JobSpec Spec, string Stored)>(planned.Count);
        var storedBytes = 0L;
        foreach (var job in planned)
        {
            var spec = SpecOf(pipeline, job, trigger);
            var stored = spec.Serialize();
            storedBytes += stored.Length; // JSON written with non-ASCII escaped: one char, one byte
            if (storedBytes > pipelineOptions.Value.MaxRunBytes)
            {
                run.MarkError($"{project.PipelineFile}: job '{job.Name}' (job {specs.Count + 1} of {planned.Count}) takes what this run stores "
                    + $"past the limit of {LimitText.Bytes(pipelineOptions.Value.MaxRunBytes)}{LimitText.Setting(nameof(PipelineOptions.MaxRunBytes))}; "
                    + "every job, and every leg of a matrix, keeps its own copy of its steps and of the variables it gets", now);
                return RunPlan.Created(run);
            }
            specs.Add((job, spec, stored));
        }
        foreach (var (job, spec, stored) in specs)
            AddJob(run, job, spec, stored, context, now);
        run.UpdateFromJobs(now);
        return RunPlan.Created(run);
    }

    private async Task<string?> ReadPipelineFileAsync(Project project, string sha, PipelineRun run, DateTime now, CancellationToken cancellationToken)
    {
        try
        {
            // Asked first, so an oversized file is refused without being read into memory.
            var size = await git.FileSizeAsync(project.Id, sha, project.PipelineFile, cancellationToken);
            var limit = pipelineOptions.Value.MaxFileBytes;
            if (size > limit)
            {
                run.MarkError($"{project.PipelineFile}: {PipelineParser.TooLarge(size.Value, limit)}", now);
                return null;
            }
            var yaml = size is null ? null : await git.ReadFileAsync(project.Id, sha, project.PipelineFile, limit, cancellationToken);
            if (yaml is null) run.MarkError($"{project.PipelineFile} was not found at commit {sha[..Math.Min(12, sha.Length)]}.", now);
            return yaml;
        }
        catch (GitException ex)
        {
            run.MarkError(ex.Message, now);
            return null;
        }
    }

    private static JobSpec SpecOf(PipelineDefinition pipeline, PlannedJob planned, RunTrigger trigger)
    {
        var definition = planned.Definition;
        // Later wins: pipeline variables, the job's, its matrix leg's, then those given with a manual run.
        var environment = new Dictionary<string, string>(pipeline.Variables);
        foreach (var source in new[] { definition.Variables, planned.MatrixValues, trigger.Variables ?? new Dictionary<string, string>() })
            foreach (var (name, value) in source) environment[name] = value;

        return new JobSpec(
            definition.Steps.Select(s => new StepSpec(s.Name, s.Run, s.Env, s.Timeout, s.ContinueOnError)).ToList(),
            environment,
            definition.Timeout,
            definition.Reports,
            definition.Artifacts,
            definition.Network,
            definition.Secrets is { Count: > 0 } secrets ? secrets : null,
            definition.Environment);
    }

    private static void AddJob(PipelineRun run, PlannedJob planned, JobSpec spec, string storedSpec, TriggerContext context, DateTime now)
    {
        var definition = planned.Definition;
        var job = run.AddJob(planned.Name, planned.Needs, definition.AllowFailure, storedSpec, definition.Retry + 1);
        spec.AddStepsTo(job);
        if (definition.Concurrency is { } concurrency) job.JoinConcurrencyGroup(run.ProjectId, concurrency.Group, concurrency.Limit);
        job.Gate(definition.Environment?.Name, definition.Manual, definition.ApprovalRequired);

        if (!TriggerFilter.Matches(definition.When, context))
            job.MoveTo(JobStatus.Skipped, now, "its when: conditions do not match this run");
        else
            // A gated job waits even with no needs: the dispatcher applies its environment's rules and approvals first.
            job.MoveTo(planned.Needs.Count == 0 && !job.IsGated ? JobStatus.Queued : JobStatus.Waiting, now);
    }

    private async Task<long> NextNumberAsync(Guid projectId, CancellationToken cancellationToken) =>
        (await db.Runs.Where(r => r.ProjectId == projectId).MaxAsync(r => (long?)r.Number, cancellationToken) ?? 0) + 1;

    /// <summary>
    /// Saves a new run (with whatever else is pending in the same transaction). Runs of one project planned at the
    /// same moment get the same next number; the unique index refuses all but one, and the others take the next
    /// free number and save again, so simultaneous pushes all get their run.
    /// </summary>
    public async Task SaveNewRunAsync(PipelineRun run, CancellationToken cancellationToken, Action? renumbered = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException) when (attempt < 20)
            {
                if (!await NumberTakenAsync(run, cancellationToken)) throw;
                run.Renumber(await NextNumberAsync(run.ProjectId, cancellationToken));
                renumbered?.Invoke();
            }
        }
    }

    private Task<bool> NumberTakenAsync(PipelineRun run, CancellationToken cancellationToken) =>
        db.Runs.AsNoTracking().AnyAsync(r => r.ProjectId == run.ProjectId && r.Number == run.Number && r.Id != run.Id, cancellationToken);
}
