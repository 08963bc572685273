using Comet.Domain.Runs;

namespace Comet.Application.Runs;

public sealed record RunDto(
    Guid Id,
    string ProjectSlug,
    long Number,
    RunStatus Status,
    string Event,
    string Ref,
    string? Branch,
    string? Tag,
    string? CommitSha,
    string? CommitMessage,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    string? Error,
    IReadOnlyList<JobDto> Jobs)
{
    /// <summary>The run's API address under Comet's public address (filled in by <see cref="RunLinkBehaviour{TRequest,TResponse}"/>).</summary>
    public string? Url { get; init; }

    /// <summary>For a cron run: the schedule that made it, and its name then.</summary>
    public Guid? ScheduleId { get; init; }
    public string? ScheduleName { get; init; }

    /// <summary>Why Comet cancelled the run by itself: "superseded by run #N …" with the newer run's address.</summary>
    public string? CancelReason { get; init; }

    /// <summary>Who caused the run: the user of a manual run, or the forge login that pushed; null for a cron run.</summary>
    public string? TriggeredBy { get; init; }

    /// <summary>The name of the built commit's author; null for runs made before Comet kept it.</summary>
    public string? CommitAuthor { get; init; }
}

public sealed record JobDto(
    Guid Id,
    string Name,
    JobStatus Status,
    int Attempt,
    bool AllowFailure,
    IReadOnlyList<string> Needs,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    string? Note,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<StepDto> Steps)
{
    /// <summary>Why the job has not started yet (see <see cref="Runs.WaitingReason"/>); null once it runs or has ended.</summary>
    public WaitingReason? WaitingReason { get; init; }

    /// <summary>The environment the job deploys to (<c>environment:</c>); null: none.</summary>
    public string? Environment { get; init; }

    /// <summary><c>when: manual</c>: the job waits for someone to start it (POST …/approve).</summary>
    public bool Manual { get; init; }

    /// <summary>While or after waiting for approval: how many approvals start it, and until when it waits.</summary>
    public int? ApprovalsRequired { get; init; }
    public DateTime? ApprovalDeadline { get; init; }

    /// <summary>Every approval and rejection given to this attempt, oldest first.</summary>
    public IReadOnlyList<ApprovalDto> Approvals { get; init; } = [];
}

public sealed record ApprovalDto(string User, bool Approved, string? Comment, DateTime At);

public sealed record StepDto(int Index, string Name, StepStatus Status, int? ExitCode, DateTime? StartedAt, DateTime? FinishedAt);

/// <summary>A run in a list: no jobs, just what a table row shows.</summary>
public sealed record RunSummaryDto(
    Guid Id,
    long Number,
    RunStatus Status,
    string Event,
    string Ref,
    string? CommitSha,
    string? CommitMessage,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt)
{
    /// <summary>The run's project, so a list across projects can link each row.</summary>
    public string ProjectSlug { get; init; } = "";
    public string? Branch { get; init; }
    public string? Tag { get; init; }

    /// <summary>Who caused the run: the user of a manual run, or the forge login that pushed; null for a cron run.</summary>
    public string? TriggeredBy { get; init; }

    /// <summary>The name of the built commit's author; null for runs made before Comet kept it.</summary>
    public string? CommitAuthor { get; init; }
}

public static class RunMapping
{
    public static RunDto ToDto(this PipelineRun run, string projectSlug, IReadOnlyDictionary<Guid, WaitingReason>? waiting = null,
        ILookup<Guid, JobApproval>? approvals = null) => new(
        run.Id, projectSlug, run.Number, run.Status, run.Event, run.Ref, run.Branch, run.Tag, run.Sha, run.CommitMessage,
        run.CreatedAt, run.StartedAt, run.FinishedAt, run.Error,
        run.Jobs.OrderBy(j => j.Position).ThenBy(j => j.Attempt).Select(j => new JobDto(
            j.Id, j.Name, j.Status, j.Attempt, j.AllowFailure, j.Needs, j.StartedAt, j.FinishedAt, j.Error, j.Warnings,
            j.Steps.OrderBy(s => s.Index).Select(s => new StepDto(s.Index, s.Name, s.Status, s.ExitCode, s.StartedAt, s.FinishedAt)).ToList())
            {
                WaitingReason = waiting?.GetValueOrDefault(j.Id),
                Environment = j.EnvironmentName,
                Manual = j.Manual,
                ApprovalsRequired = j.ApprovalsRequired > 0 ? j.ApprovalsRequired : null,
                ApprovalDeadline = j.ApprovalDeadline,
                Approvals = approvals is null ? [] : approvals[j.Id].OrderBy(a => a.CreatedAt)
                    .Select(a => new ApprovalDto(a.Username, a.Approved, a.Comment, a.CreatedAt)).ToList(),
            })
            .ToList())
    {
        ScheduleId = run.ScheduleId,
        ScheduleName = run.ScheduleName,
        CancelReason = run.CancelReason,
        TriggeredBy = run.TriggeredBy,
        CommitAuthor = run.CommitAuthor,
    };
}
