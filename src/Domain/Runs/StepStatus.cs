using Comet.Domain.Common;

namespace Comet.Domain.Runs;

public enum StepStatus
{
    Pending,
    Running,
    Success,
    Failed,
    Cancelled,
    /// <summary>Not run because an earlier step of the job failed.</summary>
    Skipped,
}

public static class StepTransitions
{
    public static readonly TransitionTable<StepStatus> Table = new("step",
        (StepStatus.Pending, [StepStatus.Running, StepStatus.Skipped, StepStatus.Cancelled]),
        (StepStatus.Running, [StepStatus.Success, StepStatus.Failed, StepStatus.Cancelled]));
}
