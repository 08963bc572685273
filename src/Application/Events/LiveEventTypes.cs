namespace Comet.Application.Events;

/// <summary>The event types of the live stream (docs/EVENTS.md shows each with sample data).</summary>
public static class LiveEventTypes
{
    public const string RunQueued = "run.queued";
    public const string RunStarted = "run.started";
    public const string RunFinished = "run.finished";
    public const string JobStatus = "job.status";
    public const string StepStatus = "step.status";
    public const string ApprovalRequested = "approval.requested";
    public const string ApprovalGiven = "approval.given";
    public const string DeploymentStarted = "deployment.started";
    public const string DeploymentFinished = "deployment.finished";
    public const string DeliveryDead = "delivery.dead";

    /// <summary>Not stored: sent to a client whose Last-Event-ID is outside the retained window, telling it to reload.</summary>
    public const string Reset = "reset";
}
