using Comet.Domain.Common;

namespace Comet.Domain.Runs;

public enum RunStatus
{
    Pending,
    Running,
    Success,
    Failed,
    Cancelled,
    /// <summary>Comet could not run the pipeline at all: bad pipeline file, clone failure, lost worker.</summary>
    Error,
}

public static class RunTransitions
{
    public static readonly TransitionTable<RunStatus> Table = new("run",
        (RunStatus.Pending, [RunStatus.Running, RunStatus.Cancelled, RunStatus.Error]),
        (RunStatus.Running, [RunStatus.Success, RunStatus.Failed, RunStatus.Cancelled, RunStatus.Error]));
}
