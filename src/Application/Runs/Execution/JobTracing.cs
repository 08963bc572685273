using System.Diagnostics;
using Comet.Application.Common.Observability;
using Comet.Domain.Common;
using Comet.Domain.Runs;

namespace Comet.Application.Runs.Execution;

/// <summary>
/// The spans of a job's execution: <c>comet.job</c>, a child of the request that made the run (its kept
/// <c>traceparent</c>), and a <c>comet.step</c> under it per step. Started only when a tracer listens; the trace id a
/// step log names is the job span's, or else the run's own, so logs and traces meet either way.
/// </summary>
public static class JobTracing
{
    public const string JobSpan = "comet.job";
    public const string StepSpan = "comet.step";

    /// <summary>The W3C <c>traceparent</c> of <paramref name="activity"/>, or null when there is none in that format.</summary>
    public static string? TraceParentOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id : null;

    public static Activity? StartJob(JobPlan plan)
    {
        ActivityContext.TryParse(plan.Run.TraceParent, null, out var parent);
        // Only the run's kept context is the job's parent, never whatever flowed into this task: without one the job
        // starts a trace of its own. (This changes the current activity of the executor's own async flow only.)
        Activity.Current = null;
        var activity = OrchestratorTelemetry.Source.StartActivity(JobSpan, ActivityKind.Internal, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("comet.project", plan.Project.Slug);
            activity.SetTag("comet.run.id", plan.Run.Id.ToString());
            activity.SetTag("comet.run.number", plan.Run.Number);
            activity.SetTag("comet.job.id", plan.Job.Id.ToString());
            activity.SetTag("comet.job.name", plan.Job.Name);
            activity.SetTag("comet.job.attempt", plan.Job.Attempt);
        }
        return activity;
    }

    public static void EndJob(Activity? activity, JobStatus status)
    {
        if (activity is null) return;
        activity.SetTag("comet.job.status", StatusName.Of(status));
        activity.SetStatus(status == JobStatus.Success ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
    }

    /// <summary>A step's span, under the job's (the current activity while the job runs).</summary>
    public static Activity? StartStep(int index, string name)
    {
        var activity = OrchestratorTelemetry.Source.StartActivity(StepSpan, ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("comet.step.index", index);
            activity.SetTag("comet.step.name", name);
        }
        return activity;
    }

    public static void EndStep(Activity? activity, StepStatus status, int? exitCode)
    {
        if (activity is null) return;
        activity.SetTag("comet.step.status", StatusName.Of(status));
        if (exitCode is { } code) activity.SetTag("process.exit.code", code);
        activity.SetStatus(status == StepStatus.Success ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
    }

    /// <summary>The trace a job's logs name: its span's, else the run's kept context's, else none.</summary>
    public static string? TraceIdOf(Activity? job, PipelineRun run)
    {
        if (job is not null) return job.TraceId.ToHexString();
        return ActivityContext.TryParse(run.TraceParent, null, out var kept) ? kept.TraceId.ToHexString() : null;
    }
}
