using Comet.Application.Outbound;
using Comet.Domain.Common;
using Comet.Domain.Projects;
using Comet.Domain.Runs;

namespace Comet.Application.Notifications;

/// <summary>
/// What a template sees: <c>event</c>, <c>link</c>, <c>project</c>, <c>run</c>, and per event <c>job</c>,
/// <c>deployment</c> or <c>delivery</c>, as nested dictionaries with snake_case keys (documented in docs/NOTIFICATIONS.md).
/// The same data goes to the generic webhook as JSON.
/// </summary>
public static class NotificationModel
{
    public static Dictionary<string, object?> Of(string notificationEvent, Project project, PipelineRun? run, string? link)
    {
        var model = new Dictionary<string, object?>
        {
            ["event"] = notificationEvent,
            ["link"] = link,
            ["project"] = new Dictionary<string, object?> { ["name"] = project.Name, ["slug"] = project.Slug },
        };
        if (run is not null) model["run"] = RunPart(run, link);
        return model;
    }

    public static Dictionary<string, object?> RunPart(PipelineRun run, string? link) => new()
    {
        ["id"] = run.Id.ToString(),
        ["number"] = run.Number,
        ["status"] = StatusName.Of(run.Status),
        ["event"] = run.Event,
        ["ref"] = run.Ref,
        ["ref_name"] = run.Branch ?? run.Tag ?? run.Ref,
        ["branch"] = run.Branch,
        ["tag"] = run.Tag,
        ["sha"] = run.Sha,
        ["short_sha"] = run.Sha is { Length: > 7 } sha ? sha[..7] : run.Sha,
        ["commit_message"] = run.CommitMessage?.Split('\n')[0],
        ["triggered_by"] = run.TriggeredBy,
        ["url"] = link,
    };

    public static Dictionary<string, object?> JobPart(Job job) => new()
    {
        ["id"] = job.Id.ToString(),
        ["name"] = job.Name,
        ["status"] = StatusName.Of(job.Status),
        ["environment"] = job.EnvironmentName,
        ["approvals_required"] = job.ApprovalsRequired,
    };

    public static Dictionary<string, object?> DeliveryPart(DeadLetter dead) => new()
    {
        ["id"] = dead.MessageId.ToString(),
        ["kind"] = dead.Kind,
        ["destination"] = dead.Destination,
        ["summary"] = dead.Summary,
        ["attempts"] = dead.Attempts,
        ["last_error"] = dead.LastError,
    };

    /// <summary>A made-up event of the kind, for the preview endpoint: run #42 of the project on main.</summary>
    public static Dictionary<string, object?> Sample(string notificationEvent, Project project, string link)
    {
        var run = new PipelineRun(project.Id, 42, "push", "refs/heads/main", "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d", DateTime.UtcNow);
        run.Describe("main", null, "Fix the checkout total", null);
        var model = Of(notificationEvent, project, run, link);
        var runPart = (Dictionary<string, object?>)model["run"]!;
        runPart["status"] = notificationEvent switch
        {
            Domain.Notifications.NotificationEvents.RunFailed => "failed",
            Domain.Notifications.NotificationEvents.ApprovalRequested => "running",
            _ => "success",
        };
        runPart["triggered_by"] = "alice";
        model["job"] = new Dictionary<string, object?>
        {
            ["id"] = Guid.Empty.ToString(), ["name"] = "deploy", ["status"] = "waiting_for_approval", ["environment"] = "production", ["approvals_required"] = 1,
        };
        model["deployment"] = new Dictionary<string, object?> { ["environment"] = "production", ["status"] = "success", ["job"] = "deploy" };
        model["delivery"] = DeliveryPart(new DeadLetter(Guid.Empty, project.Id, "forge_status", "https://api.github.com",
            "GitHub status success for 1a2b3c4 (comet)", 10, "503 Service Unavailable"));
        return model;
    }
}
