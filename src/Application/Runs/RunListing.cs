using System.Linq.Expressions;
using Comet.Domain.Common;
using Comet.Domain.Runs;
using FluentValidation;

namespace Comet.Application.Runs;

/// <summary>A run and its project's slug, before it becomes a list row.</summary>
public sealed class RunRow
{
    public required PipelineRun Run { get; init; }
    public required string ProjectSlug { get; init; }
}

/// <summary>What the run lists share: the row they answer with and the status words they accept.</summary>
public static class RunListing
{
    /// <summary>Translated by EF into the columns a row needs; jobs are never loaded.</summary>
    public static readonly Expression<Func<RunRow, RunSummaryDto>> ToSummary = row => new RunSummaryDto(
        row.Run.Id, row.Run.Number, row.Run.Status, row.Run.Event, row.Run.Ref, row.Run.Sha, row.Run.CommitMessage,
        row.Run.CreatedAt, row.Run.StartedAt, row.Run.FinishedAt)
    {
        ProjectSlug = row.ProjectSlug,
        Branch = row.Run.Branch,
        Tag = row.Run.Tag,
        TriggeredBy = row.Run.TriggeredBy,
        CommitAuthor = row.Run.CommitAuthor,
    };

    /// <summary>
    /// A run's status by its API name. "queued" is taken for pending too: a pending run is one whose jobs wait in the
    /// queue, and that is the word a dashboard uses.
    /// </summary>
    public static RunStatus? StatusNamed(string name) =>
        name == QueuedAlias ? RunStatus.Pending : Enum.GetValues<RunStatus>().Where(s => StatusName.Of(s) == name).Cast<RunStatus?>().FirstOrDefault();

    private const string QueuedAlias = "queued";

    private static readonly string StatusWords = string.Join(", ", Enum.GetValues<RunStatus>().Select(StatusName.Of)) + $" ({QueuedAlias} = pending)";

    /// <summary>The one message for a status a run list does not know.</summary>
    public static IRuleBuilderOptions<T, string?> KnownRunStatus<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(s => s is null || StatusNamed(s) is not null).WithMessage($"Status must be one of: {StatusWords}.");
}
