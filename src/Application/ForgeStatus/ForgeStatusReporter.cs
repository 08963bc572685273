using System.Text.Json;
using Comet.Application.Common.Interfaces;
using Comet.Application.Outbound;
using Comet.Application.Runs.Changes;
using Comet.Domain.Outbound;
using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.ForgeStatus;

/// <summary>
/// Reports runs (and, with perJob, jobs) back to the forge as commit statuses, through the outbox in the transaction of
/// the change: one status per state change — pending when made, running, then the final one — with the context
/// <c>comet</c> (<c>comet/&lt;job&gt;</c> for a job). Runs without a commit sha, and projects without a forge-status
/// setting, send nothing. A job is pending when made, then waiting for approval (if it must) and its result; its
/// intermediate states (waiting, queued) are not reported, and neither is its start: jobs are claimed and their steps
/// started by bulk updates, which <see cref="IRunChangeHandler"/>s do not see.
/// </summary>
public sealed class ForgeStatusReporter(IOutbox outbox, IEnumerable<IPublicAddress> addresses) : IRunChangeHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly HashSet<string> ReportedJobStates = ["running", "waiting_for_approval", "success", "failed", "cancelled", "skipped"];

    /// <summary>A job made (whatever it starts as: waiting, queued) is pending; then approval waits, running and its result.</summary>
    private static bool IsReportedJobChange(RunChange c) => c.Kind == RunChangeKind.Job && (c.From is null || ReportedJobStates.Contains(c.To));

    public async Task OnChangesAsync(IReadOnlyList<RunChange> changes, ICometDbContext db, CancellationToken cancellationToken)
    {
        var relevant = changes.Where(c => c.Kind == RunChangeKind.Run || IsReportedJobChange(c)).ToList();
        if (relevant.Count == 0) return;
        var address = addresses.FirstOrDefault();
        foreach (var byRun in relevant.GroupBy(c => c.RunId))
        {
            var run = byRun.FirstOrDefault(c => c.Run is not null)?.Run ?? await db.Runs.FindAsync([byRun.Key], cancellationToken);
            if (run?.Sha is not { Length: > 0 } sha) continue;
            var setting = await db.ForgeStatusSettings.AsNoTracking().FirstOrDefaultAsync(s => s.ProjectId == run.ProjectId, cancellationToken);
            if (setting is null) continue;
            var project = await db.Projects.FindAsync([run.ProjectId], cancellationToken);
            if (project is null || ForgeTarget.Of(project, setting) is not { } target) continue;

            var link = address?.RunLink(run.Id) ?? $"/api/v1/runs/{run.Id}";
            var gitRef = run.Branch ?? run.Tag ?? run.Ref;
            foreach (var change in byRun)
            {
                CommitStatus status;
                if (change.Kind == RunChangeKind.Run)
                {
                    var coverage = IsFinal(change.To) ? await CoverageAsync(db, run.Id, cancellationToken) : null;
                    status = new CommitStatus(sha, change.To, "comet", RunDescription(run, change.To), link, gitRef, coverage);
                }
                else if (setting.PerJob && change.Job is { } job)
                {
                    var to = change.From is null && change.To is not "waiting_for_approval" ? "pending" : change.To;
                    status = new CommitStatus(sha, to, "comet/" + job.Name, JobDescription(job.Name, to), link, gitRef, null);
                }
                else continue;
                Enqueue(project.Id, setting, target, run, status);
            }
        }
    }

    private void Enqueue(Guid projectId, ForgeStatusSetting setting, ForgeTarget target, PipelineRun run, CommitStatus status)
    {
        var payload = ForgeStatusRequests.Build(target, status);
        var state = target.Forge == Domain.Projects.Forge.Gitlab ? ForgeStatusRequests.GitlabState(status.Status) : ForgeStatusRequests.GithubState(status.Status);
        var summary = $"{ForgeStatusRequests.ForgeName(target.Forge)} status {state} for {status.Sha[..Math.Min(7, status.Sha.Length)]} ({status.Context})";
        outbox.Enqueue(new OutboundMessage(projectId, OutboundKinds.ForgeStatus, OutboundChannels.Http, target.Destination,
            JsonSerializer.Serialize(payload, Json), summary)
        {
            Credential = ForgeStatusRequests.Credential(target.Forge, projectId, setting.TokenSecret),
            SourceId = setting.Id,
            RunId = run.Id,
            // A commit's statuses for one context must arrive in order: a late "pending" would hide the result.
            OrderingKey = $"forge_status {target.ApiUrl} {target.Repository} {status.Sha} {status.Context}",
        });
    }

    private static bool IsFinal(string status) => status is "success" or "failed" or "cancelled" or "error";

    private static string RunDescription(PipelineRun run, string status) => Cut(status switch
    {
        "pending" => $"Run #{run.Number} is queued",
        "running" => $"Run #{run.Number} is running",
        "success" => $"Run #{run.Number} succeeded",
        "failed" => $"Run #{run.Number} failed",
        "cancelled" => $"Run #{run.Number} was cancelled",
        "error" => $"Run #{run.Number} could not run" + (run.Error is { } e ? ": " + e : ""),
        _ => $"Run #{run.Number} is {status.Replace('_', ' ')}",
    });

    private static string JobDescription(string job, string status) => Cut(status switch
    {
        "pending" => $"{job} is queued",
        "running" => $"{job} is running",
        "waiting_for_approval" => $"{job} is waiting for approval",
        "success" => $"{job} succeeded",
        "failed" => $"{job} failed",
        "cancelled" => $"{job} was cancelled",
        "skipped" => $"{job} was skipped",
        _ => $"{job} is {status.Replace('_', ' ')}",
    });

    /// <summary>GitHub takes at most 140 characters of description.</summary>
    private static string Cut(string text) => text.Length <= 140 ? text : text[..139] + "…";

    /// <summary>The run's line coverage in percent over the latest attempt of each job that reported some; null when none did.</summary>
    private static async Task<double?> CoverageAsync(ICometDbContext db, Guid runId, CancellationToken cancellationToken)
    {
        var records = await db.Coverage.AsNoTracking().Where(c => c.RunId == runId)
            .Select(c => new { c.JobName, c.Attempt, c.LinesCovered, c.LinesValid }).ToListAsync(cancellationToken);
        var latest = records.GroupBy(r => r.JobName).Select(g => g.MaxBy(r => r.Attempt)!).ToList();
        var valid = latest.Sum(r => r.LinesValid);
        return valid == 0 ? null : Math.Round(100.0 * latest.Sum(r => r.LinesCovered) / valid, 2);
    }
}
