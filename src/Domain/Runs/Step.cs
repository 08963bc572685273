namespace Comet.Domain.Runs;

/// <summary>One command of a job, run as a child process.</summary>
public sealed class Step
{
    private Step() { }

    public Step(Guid jobId, int index, string name)
    {
        Id = Guid.CreateVersion7();
        JobId = jobId;
        Index = index;
        Name = name;
    }

    public Guid Id { get; private set; }
    public Guid JobId { get; private set; }
    public int Index { get; private set; }
    public string Name { get; private set; } = "";
    public StepStatus Status { get; private set; } = StepStatus.Pending;
    public int? ExitCode { get; private set; }
    public DateTime? StartedAt { get; private set; }
    public DateTime? FinishedAt { get; private set; }

    public void MoveTo(StepStatus to, DateTime now, int? exitCode = null)
    {
        StepTransitions.Table.EnsureAllowed(Status, to);
        Status = to;
        if (to == StepStatus.Running) StartedAt = now;
        if (StepTransitions.Table.IsTerminal(to)) FinishedAt = now;
        if (exitCode is not null) ExitCode = exitCode;
    }
}
