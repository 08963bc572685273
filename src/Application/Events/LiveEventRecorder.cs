using System.Text.Json;
using Comet.Application.Common.Interfaces;
using Comet.Application.Outbound;
using Comet.Application.Runs.Changes;
using Comet.Domain.Common;
using Comet.Domain.Environments;
using Comet.Domain.Events;
using Comet.Domain.Runs;

namespace Comet.Application.Events;

/// <summary>
/// Writes the live event log: one or two events per run state change and one per dead-lettered delivery, added to the
/// context that saves the change, so an event exists exactly when its change committed. Each event's data carries
/// what a UI needs to update its view without reading the run again (ids, run number, project slug, names, statuses,
/// times).
/// </summary>
public sealed class LiveEventRecorder(TimeProvider clock) : IRunChangeHandler, IDeadLetterHandler
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly HashSet<string> FinalRunStatuses =
        [.. new[] { RunStatus.Success, RunStatus.Failed, RunStatus.Cancelled, RunStatus.Error }.Select(StatusName.Of)];

    public async Task OnChangesAsync(IReadOnlyList<RunChange> changes, ICometDbContext db, CancellationToken cancellationToken)
    {
        var facts = await RunFacts.LoadAsync(changes, db, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var change in changes)
            foreach (var (type, run, data) in Describe(change, facts))
                db.LiveEvents.Add(new LiveEvent(type, run.ProjectId, run.RunId, JsonSerializer.Serialize(data, Json), now));
    }

    public Task OnDeadAsync(DeadLetter dead, ICometDbContext db, CancellationToken cancellationToken)
    {
        var data = new
        {
            messageId = dead.MessageId, kind = dead.Kind, destination = dead.Destination, summary = dead.Summary,
            attempts = dead.Attempts, lastError = dead.LastError,
        };
        db.LiveEvents.Add(new LiveEvent(LiveEventTypes.DeliveryDead, dead.ProjectId, null, JsonSerializer.Serialize(data, Json),
            clock.GetUtcNow().UtcDateTime));
        return Task.CompletedTask;
    }

    private static IEnumerable<(string Type, RunFacts.RunFact Run, object Data)> Describe(RunChange change, RunFacts facts)
    {
        switch (change.Kind)
        {
            case RunChangeKind.Run when change.Run is { } run:
            {
                var fact = facts.Run(run.Id);
                object Data(string status, string? from) => new
                {
                    project = fact.Slug, runId = run.Id, runNumber = run.Number, status, from, @event = run.Event,
                    @ref = run.Ref, sha = run.Sha, createdAt = run.CreatedAt, startedAt = run.StartedAt, finishedAt = run.FinishedAt,
                };
                if (change.From is null)
                {
                    yield return (LiveEventTypes.RunQueued, fact, Data(change.To, null));
                    break;
                }
                var running = StatusName.Of(RunStatus.Running);
                // A short run can go pending → running → success between two saves: the save sees pending → success,
                // but the run did start, and a client waits for run.started before run.finished.
                var startedToo = change.From == StatusName.Of(RunStatus.Pending) && FinalRunStatuses.Contains(change.To) && run.StartedAt is not null;
                if (change.To == running || startedToo) yield return (LiveEventTypes.RunStarted, fact, Data(running, change.From));
                if (FinalRunStatuses.Contains(change.To))
                    yield return (LiveEventTypes.RunFinished, fact, Data(change.To, startedToo ? running : change.From));
                break;
            }
            case RunChangeKind.Job when change.Job is { } job:
            {
                var fact = facts.Run(job.RunId);
                yield return (LiveEventTypes.JobStatus, fact, new
                {
                    project = fact.Slug, runId = job.RunId, runNumber = fact.Number, jobId = job.Id, job = job.Name, attempt = job.Attempt,
                    status = change.To, from = change.From, startedAt = job.StartedAt, finishedAt = job.FinishedAt, note = job.Error,
                });
                if (change.To == StatusName.Of(JobStatus.WaitingForApproval))
                    yield return (LiveEventTypes.ApprovalRequested, fact, new
                    {
                        project = fact.Slug, runId = job.RunId, runNumber = fact.Number, jobId = job.Id, job = job.Name, attempt = job.Attempt,
                        environment = job.EnvironmentName, approvalsRequired = job.ApprovalsRequired, manual = job.Manual,
                        deadline = job.ApprovalDeadline,
                    });
                break;
            }
            case RunChangeKind.Step when change.Step is { } step:
            {
                var job = facts.Job(step.JobId);
                var fact = facts.Run(job.RunId);
                yield return (LiveEventTypes.StepStatus, fact, new
                {
                    project = fact.Slug, runId = job.RunId, runNumber = fact.Number, jobId = step.JobId, job = job.Name, attempt = job.Attempt,
                    stepIndex = step.Index, step = step.Name, status = change.To, from = change.From, exitCode = step.ExitCode,
                    startedAt = step.StartedAt, finishedAt = step.FinishedAt,
                });
                break;
            }
            case RunChangeKind.Deployment when change.Deployment is { } deployment:
            {
                var fact = facts.Run(deployment.RunId);
                var data = new
                {
                    project = fact.Slug, runId = deployment.RunId, runNumber = deployment.RunNumber, deploymentId = deployment.Id,
                    environment = facts.EnvironmentName(deployment.EnvironmentId), jobId = deployment.JobId, job = deployment.JobName,
                    attempt = deployment.Attempt, sha = deployment.Sha, @ref = deployment.Ref, url = deployment.Url, status = change.To,
                    from = change.From, startedAt = deployment.StartedAt, finishedAt = deployment.FinishedAt,
                };
                if (change.From is null) yield return (LiveEventTypes.DeploymentStarted, fact, data);
                else if (change.To != StatusName.Of(DeploymentStatus.Running)) yield return (LiveEventTypes.DeploymentFinished, fact, data);
                break;
            }
            case RunChangeKind.Approval when change.Approval is { } approval:
            {
                var job = facts.Job(approval.JobId);
                var fact = facts.Run(approval.RunId);
                yield return (LiveEventTypes.ApprovalGiven, fact, new
                {
                    project = fact.Slug, runId = approval.RunId, runNumber = fact.Number, jobId = approval.JobId, job = job.Name,
                    attempt = job.Attempt, decision = change.To, by = approval.Username, comment = approval.Comment, at = approval.CreatedAt,
                });
                break;
            }
        }
    }
}
