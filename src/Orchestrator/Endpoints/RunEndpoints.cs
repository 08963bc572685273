using Comet.Orchestrator.Infrastructure;
using System.Text;
using Comet.Application.Common.Models;
using Comet.Application.Runs;
using Comet.Application.Runs.Commands;
using Comet.Application.Runs.Queries;
using Comet.Domain.Common;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

/// <summary>Runs: trigger, list, read, cancel, retry, and step logs (plain or as Server-Sent Events).</summary>
public static class RunEndpoints
{
    public sealed record TriggerRunBody(string? Ref, string? Sha, Dictionary<string, string>? Variables);

    public static void MapRunEndpoints(this IEndpointRouteBuilder app)
    {
        var projectRuns = app.MapGroup("/api/v1/projects/{slug}/runs").WithTags("Runs");
        projectRuns.MapPost("/", Trigger).WithName("TriggerRun")
            .WithSummary("Start a manual run of a branch (default: the project's default branch), optionally at a commit.")
            .WithDescription("Developers and up. ref is a branch, tag or refs/… name; sha pins a commit (7–64 hex digits); variables are "
                + "added to the pipeline's (NAME=value, names in capitals). The answer is 202 with the run as queued; follow it at "
                + "GET /api/v1/runs/{id} (the Location header).")
            .WithRequestExample(ApiExamples.TriggerRun).WithResponseExample(StatusCodes.Status202Accepted, ApiExamples.QueuedRun)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        projectRuns.MapGet("/", List).WithName("ListRuns").WithSummary("A project's runs, newest first; filter by status, branch or event.")
            .WithDescription("status is one of the run states (pending (or queued), running, success, failed, cancelled, error), branch a "
                + "branch name, event push, tag, pull_request, manual or cron. pageSize is 1–100 (default 20). Two ways to page: page= "
                + "(from 1, at most 1000000) answers with totalCount and totalPages; before=<run number> answers the runs numbered below "
                + "it, with page, totalCount and totalPages null, because it counts nothing and stays fast however many runs there are. "
                + "Either way nextBefore is the last item's number while older runs follow (send it as before= for the next page), "
                + "null at the end. Give page or before, not both.")
            .WithResponseExample(StatusCodes.Status200OK, ApiExamples.RunPage)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        var runs = app.MapGroup("/api/v1/runs").WithTags("Runs");
        runs.MapGet("/", ListRecent).WithName("ListRecentRuns")
            .WithSummary("The newest runs of every project you can see; filter by status (repeat it or separate with commas).")
            .WithDescription("For dashboards: status=queued,running for runs in progress, status=failed,error for recent failures (queued "
                + "is pending). Projects are those GET /api/v1/projects lists for you (admins: all). Newest first by creation time; "
                + "limit is 1–100 (default 20). Each item carries its projectSlug.")
            .WithResponseExample(StatusCodes.Status200OK, ApiExamples.RecentRuns)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized);
        runs.MapGet("/{id:guid}", Get).WithName("GetRun").WithSummary("A run with every attempt of its jobs and their steps.")
            .WithDescription("Statuses are snake_case. A job waiting for something says why in waitingReason; a job that ran again "
                + "after a retry appears once per attempt. A run in a project the caller may not see is 404.")
            .WithResponseExample(StatusCodes.Status200OK, ApiExamples.Run)
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapPost("/{id:guid}/cancel", Cancel).WithName("CancelRun")
            .WithSummary("Cancel a run: waiting jobs never start, running ones are killed with their process trees.")
            .WithDescription("Developers and up. The answer is the run as it is now; 409 when it has already finished.")
            .WithResponseExample(StatusCodes.Status200OK, ApiExamples.CancelledRun)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        runs.MapPost("/{id:guid}/retry", Retry).WithName("RetryRun")
            .WithSummary("Run a finished run's failed, cancelled and lost jobs again, as new attempts.")
            .WithDescription("Developers and up. Jobs that succeeded keep their results and artifacts; the retried ones start as attempt "
                + "n+1 with the same commit. 409 while the run is still going or when nothing failed.")
            .WithResponseExample(StatusCodes.Status202Accepted, ApiExamples.QueuedRun)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        runs.MapPost("/{id:guid}/jobs/{jobId:guid}/approve", Approve).WithName("ApproveJob")
            .WithSummary("Approve a job waiting for approval, or start a `when: manual` job; optional {comment}.")
            .WithDescription("A deploy that an environment's requiredApprovals or `approval: required` holds needs maintainers (or "
                + "admins); a plain manual job, any developer. Each person decides once per attempt; the job queues when it has the "
                + "approvals it needs. 403 when the environment refuses self-approval and you triggered the run, or your role is too "
                + "low; 409 when the job is not waiting for approval or you already decided. The answer is the run as it is now.")
            .WithRequestExample(ApiExamples.ApprovalComment).WithResponseExample(StatusCodes.Status200OK, ApiExamples.Run)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        runs.MapPost("/{id:guid}/jobs/{jobId:guid}/reject", Reject).WithName("RejectJob")
            .WithSummary("Reject a job waiting for approval; optional {comment}. A deploy then fails, a manual job is skipped.")
            .WithDescription("The same roles as approve; the run's author may reject. The job's note says who rejected it and why.")
            .WithRequestExample(ApiExamples.ApprovalComment).WithResponseExample(StatusCodes.Status200OK, ApiExamples.Run)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        runs.MapGet("/{id:guid}/jobs/{jobId:guid}/steps/{index:int}/log", Log).WithName("GetStepLog")
            .WithSummary("A step's log from a byte offset; with follow=true, Server-Sent Events until the step ends.")
            .WithDescription("Plain: text/plain from byte offset (default 0), whole lines only, so offset + the bytes received is where "
                + "the next read starts; X-Step-Status says whether the step is still running. follow=true: text/event-stream, one "
                + "`log` event per chunk whose id is the next offset (an EventSource resumes with Last-Event-ID), then an `end` "
                + "event with the step's status. index counts the job's steps from 0.")
            .WithResponseExample(StatusCodes.Status200OK, ApiExamples.StepLog, contentType: "text/plain")
            .WithResponseExample(StatusCodes.Status200OK, ApiExamples.StepLogEvents, contentType: "text/event-stream")
            .Produces<string>(StatusCodes.Status200OK, "text/plain", "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Accepted<RunDto>> Trigger(string slug, TriggerRunBody? body, IMediator mediator, CancellationToken ct)
    {
        var run = await mediator.Send(new TriggerRunCommand { Slug = slug, Ref = body?.Ref, Sha = body?.Sha, Variables = body?.Variables }, ct);
        return TypedResults.Accepted($"/api/v1/runs/{run.Id}", run);
    }

    private static async Task<Ok<RunPage>> List(string slug, IMediator mediator, CancellationToken ct,
        string? status = null, string? branch = null, string? @event = null, long page = 1, long pageSize = Paging.DefaultPageSize,
        long? before = null) =>
        TypedResults.Ok(await mediator.Send(new ListRunsQuery
        {
            Slug = slug, Status = status, Branch = branch, Event = @event, Page = page, PageSize = pageSize, Before = before,
        }, ct));

    private static async Task<Ok<RunList>> ListRecent(IMediator mediator, CancellationToken ct, string[]? status = null,
        long limit = ListRecentRunsQuery.DefaultLimit) =>
        TypedResults.Ok(await mediator.Send(new ListRecentRunsQuery
        {
            Statuses = (status ?? []).SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList(),
            Limit = limit,
        }, ct));

    private static async Task<Ok<RunDto>> Get(Guid id, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetRunQuery(id), ct));

    private static async Task<Ok<RunDto>> Approve(Guid id, Guid jobId, DecideApprovalCommand? body, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send((body ?? new DecideApprovalCommand()) with { RunId = id, JobId = jobId, Approve = true }, ct));

    private static async Task<Ok<RunDto>> Reject(Guid id, Guid jobId, DecideApprovalCommand? body, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send((body ?? new DecideApprovalCommand()) with { RunId = id, JobId = jobId, Approve = false }, ct));

    private static async Task<Ok<RunDto>> Cancel(Guid id, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new CancelRunCommand(id), ct));

    private static async Task<Accepted<RunDto>> Retry(Guid id, IMediator mediator, CancellationToken ct) =>
        TypedResults.Accepted($"/api/v1/runs/{id}", await mediator.Send(new RetryRunCommand(id), ct));

    private static async Task Log(Guid id, Guid jobId, int index, HttpContext context, StepLogReader reader, IMediator mediator,
        long offset = 0, bool follow = false)
    {
        var ct = context.RequestAborted;
        // Reading a log is reading the run: the same authorization (and the same 404 for a run one may not see).
        await mediator.Send(new ReadRunLogQuery(id), ct);
        var status = await reader.StatusAsync(id, jobId, index, ct);
        if (offset < 0) throw new BadHttpRequestException("offset must be 0 or more (a byte position in the log).");
        var response = context.Response;
        if (!follow)
        {
            response.ContentType = "text/plain; charset=utf-8";
            response.Headers["X-Step-Status"] = StatusName.Of(status);
            // Only whole lines are sent, so offset + the bytes received is where the next read starts.
            await foreach (var chunk in reader.ReadAsync(id, jobId, index, offset, ct))
                await response.WriteAsync(chunk.Text, ct);
            return;
        }

        // An EventSource reconnecting sends the id of the last event it saw: the offset to go on from.
        if (long.TryParse(context.Request.Headers["Last-Event-ID"], out var resumeAt) && resumeAt > offset) offset = resumeAt;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(ct);
        await foreach (var chunk in reader.FollowAsync(id, jobId, index, offset, ct))
        {
            var sse = new StringBuilder().Append("id: ").Append(chunk.NextOffset).Append("\nevent: log\n");
            foreach (var line in chunk.Text.TrimEnd('\n').Split('\n')) sse.Append("data: ").Append(line).Append('\n');
            await response.WriteAsync(sse.Append('\n').ToString(), ct);
            await response.Body.FlushAsync(ct);
        }
        var final = await reader.StatusAsync(id, jobId, index, ct);
        await response.WriteAsync($"event: end\ndata: {{\"status\":\"{StatusName.Of(final)}\"}}\n\n", ct);
    }
}
