using Comet.Domain.Environments;
using Comet.Domain.Runs;

namespace Comet.Application.Runs.Changes;

/// <summary>What changed: a run, a job, a step or a deployment was made or changed status, or someone decided an approval.</summary>
public enum RunChangeKind
{
    Run,
    Job,
    Step,
    Deployment,
    Approval,
}

/// <summary>
/// One state change about to be saved, seen by <see cref="IRunChangeHandler"/>s inside the same SaveChanges so that
/// what they add (live events, outbox rows) commits in the same transaction as the change itself, or not at all.
/// <see cref="From"/> is null for something new; the statuses are the API's words (<c>waiting_for_approval</c>).
/// Exactly one of the entity members is set, matching <see cref="Kind"/>.
/// </summary>
public sealed record RunChange(RunChangeKind Kind, Guid RunId, string? From, string To)
{
    public PipelineRun? Run { get; init; }
    public Job? Job { get; init; }
    public Step? Step { get; init; }
    public Deployment? Deployment { get; init; }
    public JobApproval? Approval { get; init; }
}
