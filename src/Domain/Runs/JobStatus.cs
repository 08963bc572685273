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
        // → Failed before running: the environment's rules refuse the run's ref, or an approval was refused or timed out.
        (JobStatus.Created, [JobStatus.Waiting, JobStatus.Queued, JobStatus.WaitingForApproval, JobStatus.Skipped, JobStatus.Cancelled, JobStatus.Failed]),
        (JobStatus.Waiting, [JobStatus.Queued, JobStatus.WaitingForApproval, JobStatus.Skipped, JobStatus.Cancelled, JobStatus.Failed]),
        (JobStatus.WaitingForApproval, [JobStatus.Queued, JobStatus.Skipped, JobStatus.Cancelled, JobStatus.Failed]),
        // Queued → Skipped: a newer run's deploy to the same locked environment makes this older one outdated.
        (JobStatus.Queued, [JobStatus.Running, JobStatus.Cancelled, JobStatus.Skipped]),
        // Running → Queued: the worker holding the job lost its lease and the job goes back to the queue.
        (JobStatus.Running, [JobStatus.Success, JobStatus.Failed, JobStatus.Cancelled, JobStatus.Queued, JobStatus.Error]));
}
