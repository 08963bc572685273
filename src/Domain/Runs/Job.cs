namespace Comet.Domain.Runs;

/// <summary>A unit of work of a run: steps that share one workspace.</summary>
public sealed class Job
{
    private readonly List<Step> _steps = [];

    private Job() { }

    public Job(Guid runId, string name, IReadOnlyList<string> needs, bool allowFailure)
    {
        Id = Guid.CreateVersion7();
        RunId = runId;
        Name = name;
        Needs = [.. needs];
        AllowFailure = allowFailure;
    }

    public Guid Id { get; private set; }
    public Guid RunId { get; private set; }
    public string Name { get; private set; } = "";
    public JobStatus Status { get; private set; } = JobStatus.Created;

    /// <summary>Names of the jobs that must finish first (the DAG edges).</summary>
    public List<string> Needs { get; private set; } = [];

    /// <summary>A failure of this job is reported but does not fail the run.</summary>
    public bool AllowFailure { get; private set; }
    public int Attempt { get; private set; } = 1;
    public DateTime? QueuedAt { get; private set; }
    public DateTime? StartedAt { get; private set; }
    public DateTime? FinishedAt { get; private set; }
    public IReadOnlyList<Step> Steps => _steps;

    public Step AddStep(string name)
    {
        var step = new Step(Id, _steps.Count, name);
        _steps.Add(step);
        return step;
    }

    public void MoveTo(JobStatus to, DateTime now)
    {
        JobTransitions.Table.EnsureAllowed(Status, to);
        if (Status == JobStatus.Running && to == JobStatus.Queued) Attempt++;
        Status = to;
        switch (to)
        {
            case JobStatus.Queued: QueuedAt = now; break;
            case JobStatus.Running: StartedAt = now; break;
        }
        if (JobTransitions.Table.IsTerminal(to)) FinishedAt = now;
    }
}
