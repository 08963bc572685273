using Comet.Domain.Common;

namespace Comet.Domain.Runs;

public enum JobStatus
{
    /// <summary>Written with its run; not looked at by the dispatcher yet.</summary>
    Created,
    /// <summary>Waiting for the jobs it needs (or its stage) to finish.</summary>
    Waiting,
    Queued,
    Running,
    Success,
    Failed,
    Cancelled,
    /// <summary>Never ran because a job it needs failed or its conditions did not match.</summary>
    Skipped,
    WaitingForApproval,
    /// <summary>Comet lost the job: the orchestrator running it stopped before it finished.</summary>
    Error,
}

public static class JobTransitions
{
    public static readonly TransitionTable<JobStatus> Table = new("job",
        (JobStatus.Created, [JobStatus.Waiting, JobStatus.Queued, JobStatus.WaitingForApproval, JobStatus.Skipped, JobStatus.Cancelled]),
        (JobStatus.Waiting, [JobStatus.Queued, JobStatus.WaitingForApproval, JobStatus.Skipped, JobStatus.Cancelled]),
        (JobStatus.WaitingForApproval, [JobStatus.Queued, JobStatus.Skipped, JobStatus.Cancelled]),
        (JobStatus.Queued, [JobStatus.Running, JobStatus.Cancelled]),
        // Running → Queued: the worker holding the job lost its lease and the job goes back to the queue.
        (JobStatus.Running, [JobStatus.Success, JobStatus.Failed, JobStatus.Cancelled, JobStatus.Queued, JobStatus.Error]));
}
