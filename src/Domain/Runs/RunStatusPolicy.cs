namespace Comet.Domain.Runs;

/// <summary>What a run's status is, given its jobs.</summary>
public static class RunStatusPolicy
{
    public static RunStatus Derive(IReadOnlyCollection<Job> jobs)
    {
        if (jobs.Count == 0) return RunStatus.Success;

        if (jobs.Any(j => !JobTransitions.Table.IsTerminal(j.Status)))
        {
            // Skipped or cancelled jobs did no work; the run starts when a job actually runs.
            var anyStarted = jobs.Any(j => j.Status is JobStatus.Running or JobStatus.Success or JobStatus.Failed or JobStatus.Error);
            return anyStarted ? RunStatus.Running : RunStatus.Pending;
        }

        // A lost job means Comet cannot say what the pipeline would have done.
        if (jobs.Any(j => j.Status == JobStatus.Error)) return RunStatus.Error;
        // A failure counts only where the job may not fail; a failed allow_failure job is a warning.
        if (jobs.Any(j => j.Status == JobStatus.Failed && !j.AllowFailure)) return RunStatus.Failed;
        if (jobs.Any(j => j.Status == JobStatus.Cancelled)) return RunStatus.Cancelled;
        return RunStatus.Success;
    }
}
