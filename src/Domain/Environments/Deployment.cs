using Comet.Domain.Runs;

namespace Comet.Domain.Environments;

public enum DeploymentStatus
{
    Running,
    Success,
    Failed,
    Cancelled,
    /// <summary>Comet lost the job that deployed (its orchestrator stopped before it finished).</summary>
    Error,
}

/// <summary>
/// One attempt of a job that deploys to an environment: written when the job starts, closed with the job's final
/// status. What was deployed (commit, ref) and who caused it are copied from the run, so the history reads on its own.
/// </summary>
public sealed class Deployment
{
    public const int MaxTriggeredByLength = 200;

    private Deployment() { }

    public Deployment(Guid environmentId, Guid projectId, PipelineRun run, Job job, string? url, DateTime now)
    {
        Id = Guid.CreateVersion7();
        EnvironmentId = environmentId;
        ProjectId = projectId;
        RunId = run.Id;
        RunNumber = run.Number;
        JobId = job.Id;
        JobName = job.Name;
        Attempt = job.Attempt;
        Sha = run.Sha ?? "";
        Ref = run.Ref;
        TriggeredBy = Shorten(run.TriggeredBy ?? (run.ScheduleName is { } schedule ? $"schedule '{schedule}'" : null));
        Url = url;
        StartedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid EnvironmentId { get; private set; }
    public Guid ProjectId { get; private set; }
    public Guid RunId { get; private set; }
    public long RunNumber { get; private set; }
    public Guid JobId { get; private set; }
    public string JobName { get; private set; } = "";
    public int Attempt { get; private set; }
    public string Sha { get; private set; } = "";
    public string Ref { get; private set; } = "";
    public string? TriggeredBy { get; private set; }
    public string? Url { get; private set; }
    public DeploymentStatus Status { get; private set; } = DeploymentStatus.Running;
    public DateTime StartedAt { get; private set; }
    public DateTime? FinishedAt { get; private set; }

    /// <summary>The deployment's end, from its job's final status; a job still in another state leaves it running.</summary>
    public static DeploymentStatus? StatusFor(JobStatus job) => job switch
    {
        JobStatus.Success => DeploymentStatus.Success,
        JobStatus.Failed => DeploymentStatus.Failed,
        JobStatus.Cancelled => DeploymentStatus.Cancelled,
        JobStatus.Error => DeploymentStatus.Error,
        _ => null,
    };

    private static string? Shorten(string? text) => text is { Length: > MaxTriggeredByLength } ? text[..MaxTriggeredByLength] : text;
}
