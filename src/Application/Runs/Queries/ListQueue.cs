using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Runs;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Runs.Queries;

/// <summary>
/// Every job of every project that has not started yet (created, waiting, waiting for approval, queued), oldest wait
/// first, each with the same waitingReason the run answer gives: the instance-wide view of the queue, for admins.
/// </summary>
[RequiresAdmin]
public sealed record ListQueueQuery : IRequest<QueueDto>
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    public long Limit { get; init; } = DefaultLimit;
}

/// <param name="QueuedSince">When it entered the queue; for a job that waits for its needs or an approval, when its run was created.</param>
public sealed record QueuedJobDto(string ProjectSlug, Guid RunId, long RunNumber, Guid JobId, string Job, JobStatus Status, DateTime QueuedSince)
{
    public WaitingReason? WaitingReason { get; init; }
}

/// <param name="Total">How many jobs wait in all, of which <paramref name="Items"/> lists the oldest.</param>
public sealed record QueueDto(IReadOnlyList<QueuedJobDto> Items, int Total);

public sealed class ListQueueValidator : AbstractValidator<ListQueueQuery>
{
    public ListQueueValidator() =>
        RuleFor(q => q.Limit).InclusiveBetween(1, ListQueueQuery.MaxLimit).WithMessage($"limit must be between 1 and {ListQueueQuery.MaxLimit}.");
}

public sealed class ListQueueHandler(ICometDbContext db) : IRequestHandler<ListQueueQuery, QueueDto>
{
    public async Task<QueueDto> Handle(ListQueueQuery request, CancellationToken cancellationToken)
    {
        // A job that has not started is always its job's latest attempt: a retry adds an attempt only after the last one ended.
        var waiting = db.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Created || j.Status == JobStatus.Waiting
            || j.Status == JobStatus.WaitingForApproval || j.Status == JobStatus.Queued);
        var total = await waiting.CountAsync(cancellationToken);
        var page = await (
                from j in waiting
                join r in db.Runs.AsNoTracking() on j.RunId equals r.Id
                join p in db.Projects.AsNoTracking() on r.ProjectId equals p.Id
                let since = j.QueuedAt ?? r.CreatedAt
                orderby since, j.Id
                select new QueuedJobDto(p.Slug, r.Id, r.Number, j.Id, j.Name, j.Status, since))
            .Take((int)request.Limit).ToListAsync(cancellationToken);

        var reasons = await ExplainAsync(page, cancellationToken);
        return new QueueDto(page.Select(j => j with { WaitingReason = reasons.GetValueOrDefault(j.JobId) }).ToList(), total);
    }

    /// <summary>The run answer's own explanation (<see cref="QueueExplainer"/>), for the listed jobs of each run.</summary>
    private async Task<Dictionary<Guid, WaitingReason>> ExplainAsync(IReadOnlyList<QueuedJobDto> jobs, CancellationToken cancellationToken)
    {
        var runIds = jobs.Select(j => j.RunId).Distinct().ToList();
        var listed = jobs.Select(j => j.JobId).ToHashSet();
        var runs = await db.Runs.AsNoTracking().Include(r => r.Jobs).Where(r => runIds.Contains(r.Id)).ToListAsync(cancellationToken);
        var approvals = (await db.JobApprovals.AsNoTracking().Where(a => runIds.Contains(a.RunId)).ToListAsync(cancellationToken))
            .ToLookup(a => a.JobId);
        var reasons = new Dictionary<Guid, WaitingReason>();
        foreach (var run in runs)
        {
            foreach (var (jobId, reason) in await QueueExplainer.ExplainAsync(db, run, approvals, cancellationToken, listed))
                reasons[jobId] = reason;
        }
        return reasons;
    }
}
