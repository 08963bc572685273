using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Changes;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Events;

/// <summary>
/// What the events of one SaveChanges need beyond the changed entities: each run's project, slug and number, the job a
/// step or approval belongs to, a deployment's environment name. Read from the context's tracked entities first, the
/// rest with one query per kind, never one per change.
/// </summary>
internal sealed class RunFacts
{
    public sealed record RunFact(Guid? RunId, Guid? ProjectId, string? Slug, long? Number);

    public sealed record JobFact(Guid RunId, string Name, int Attempt);

    private readonly Dictionary<Guid, RunFact> _runs = [];
    private readonly Dictionary<Guid, JobFact> _jobs = [];
    private readonly Dictionary<Guid, string> _environments = [];

    public RunFact Run(Guid runId) => _runs.GetValueOrDefault(runId) ?? new RunFact(runId == Guid.Empty ? null : runId, null, null, null);

    public JobFact Job(Guid jobId) => _jobs.GetValueOrDefault(jobId) ?? new JobFact(Guid.Empty, "", 0);

    public string? EnvironmentName(Guid environmentId) => _environments.GetValueOrDefault(environmentId);

    public static async Task<RunFacts> LoadAsync(IReadOnlyList<RunChange> changes, ICometDbContext db, CancellationToken cancellationToken)
    {
        var facts = new RunFacts();

        var jobIds = changes.Select(c => c.Step?.JobId ?? c.Approval?.JobId).OfType<Guid>().ToHashSet();
        foreach (var job in db.Jobs.Local.Where(j => jobIds.Contains(j.Id)))
            facts._jobs[job.Id] = new JobFact(job.RunId, job.Name, job.Attempt);
        jobIds.ExceptWith(facts._jobs.Keys);
        if (jobIds.Count > 0)
            foreach (var job in await db.Jobs.AsNoTracking().Where(j => jobIds.Contains(j.Id))
                         .Select(j => new { j.Id, j.RunId, j.Name, j.Attempt }).ToListAsync(cancellationToken))
                facts._jobs[job.Id] = new JobFact(job.RunId, job.Name, job.Attempt);

        var runIds = changes.Select(c => c.RunId).Concat(facts._jobs.Values.Select(j => j.RunId)).Where(id => id != Guid.Empty).ToHashSet();
        var runs = new Dictionary<Guid, (Guid ProjectId, long Number)>();
        foreach (var run in changes.Select(c => c.Run).OfType<Domain.Runs.PipelineRun>().Concat(db.Runs.Local).Where(r => runIds.Contains(r.Id)))
            runs[run.Id] = (run.ProjectId, run.Number);
        var missingRuns = runIds.Except(runs.Keys).ToList();
        if (missingRuns.Count > 0)
            foreach (var run in await db.Runs.AsNoTracking().Where(r => missingRuns.Contains(r.Id))
                         .Select(r => new { r.Id, r.ProjectId, r.Number }).ToListAsync(cancellationToken))
                runs[run.Id] = (run.ProjectId, run.Number);

        var projectIds = runs.Values.Select(r => r.ProjectId).ToHashSet();
        var slugs = db.Projects.Local.Where(p => projectIds.Contains(p.Id)).ToDictionary(p => p.Id, p => p.Slug);
        var missingProjects = projectIds.Except(slugs.Keys).ToList();
        if (missingProjects.Count > 0)
            foreach (var project in await db.Projects.AsNoTracking().Where(p => missingProjects.Contains(p.Id))
                         .Select(p => new { p.Id, p.Slug }).ToListAsync(cancellationToken))
                slugs[project.Id] = project.Slug;
        foreach (var (id, run) in runs)
            facts._runs[id] = new RunFact(id, run.ProjectId, slugs.GetValueOrDefault(run.ProjectId), run.Number);

        var environmentIds = changes.Select(c => c.Deployment?.EnvironmentId).OfType<Guid>().ToHashSet();
        foreach (var environment in db.Environments.Local.Where(e => environmentIds.Contains(e.Id)))
            facts._environments[environment.Id] = environment.Name;
        environmentIds.ExceptWith(facts._environments.Keys);
        if (environmentIds.Count > 0)
            foreach (var environment in await db.Environments.AsNoTracking().Where(e => environmentIds.Contains(e.Id))
                         .Select(e => new { e.Id, e.Name }).ToListAsync(cancellationToken))
                facts._environments[environment.Id] = environment.Name;
        return facts;
    }
}
