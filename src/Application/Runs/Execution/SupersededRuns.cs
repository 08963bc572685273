using Comet.Application.Common.Interfaces;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Comet.Application.Runs.Execution;

/// <summary>
/// Auto-cancel: a newer push to a branch (or to a pull request) makes the older runs of that ref still pending or
/// running pointless, so they are cancelled the way <c>POST /runs/{id}/cancel</c> does (jobs not started never start,
/// running steps are killed), with a reason that names and links the newer run. Which refs it applies to is the
/// project's setting (<see cref="Project.AutoCancelBranches"/>, <see cref="Project.AutoCancelPullRequests"/>).
/// Only runs of the same event and ref are touched: a manual run or a tag's run is never superseded by a push.
/// </summary>
public sealed class SupersededRuns(ICometDbContext db, RunningJobs runningJobs, DispatchSignal dispatch, TimeProvider clock,
    IEnumerable<IPublicAddress> publicAddress, ILogger<SupersededRuns> logger)
{
    /// <summary>
    /// Cancels what <paramref name="newerRunId"/> (already stored) supersedes; returns the numbers of the runs cancelled.
    /// A failure here is logged and leaves the older runs running: the newer run is stored and the forge's delivery
    /// answered, and a retried delivery would only meet "duplicate".
    /// </summary>
    public async Task<IReadOnlyList<long>> CancelOlderRunsAsync(Guid newerRunId, CancellationToken cancellationToken)
    {
        try
        {
            return await CancelAsync(newerRunId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Cancelling the runs superseded by run {RunId} failed; they keep running", newerRunId);
            return [];
        }
    }

    private async Task<IReadOnlyList<long>> CancelAsync(Guid newerRunId, CancellationToken cancellationToken)
    {
        var newer = await db.Runs.AsNoTracking().FirstAsync(r => r.Id == newerRunId, cancellationToken);
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == newer.ProjectId, cancellationToken);
        // A newer run that could not even be planned (bad pipeline file, clone failure) builds nothing, so it replaces nothing.
        if (newer.Status == RunStatus.Error || !Applies(project, newer)) return [];

        var older = await db.Runs
            .Where(r => r.ProjectId == newer.ProjectId && r.Event == newer.Event && r.Ref == newer.Ref && r.Number < newer.Number
                        && (r.Status == RunStatus.Pending || r.Status == RunStatus.Running))
            .Include(r => r.Jobs)
            .ToListAsync(cancellationToken);
        if (older.Count == 0) return [];

        var link = publicAddress.FirstOrDefault()?.RunLink(newer.Id);
        var reason = $"superseded by run #{newer.Number}, a newer {(newer.Event == "pull_request" ? "push to this pull request" : $"push to '{newer.Branch}'")}"
                     + (link is null ? "" : $": {link}");
        var now = clock.GetUtcNow().UtcDateTime;
        var running = new List<Guid>();
        foreach (var run in older)
        {
            running.AddRange(run.CurrentJobs.Where(j => j.Status == JobStatus.Running).Select(j => j.Id));
            run.Cancel(now, reason);
        }
        await db.SaveChangesAsync(cancellationToken);

        // As a cancel by hand: jobs on this node stop now, jobs on other nodes at their next heartbeat.
        foreach (var jobId in running) runningJobs.Cancel(jobId);
        dispatch.Notify();
        var numbers = older.Select(r => r.Number).Order().ToList();
        logger.LogInformation("Run #{Newer} of {Project} superseded run(s) {Older}", newer.Number, project.Slug, string.Join(", ", numbers.Select(n => $"#{n}")));
        return numbers;
    }

    private static bool Applies(Project project, PipelineRun newer) => newer.Event switch
    {
        "push" => newer.Branch is { } branch && project.AutoCancelsBranch(branch),
        "pull_request" => project.AutoCancelPullRequests,
        _ => false,
    };
}
