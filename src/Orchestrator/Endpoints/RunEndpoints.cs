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
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        projectRuns.MapGet("/", List).WithName("ListRuns").WithSummary("A project's runs, newest first; filter by status, branch or event.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);

        var runs = app.MapGroup("/api/v1/runs").WithTags("Runs");
        runs.MapGet("/{id:guid}", Get).WithName("GetRun").WithSummary("A run with every attempt of its jobs and their steps.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapPost("/{id:guid}/cancel", Cancel).WithName("CancelRun")
            .WithSummary("Cancel a run: waiting jobs never start, running ones are killed with their process trees.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        runs.MapPost("/{id:guid}/retry", Retry).WithName("RetryRun")
            .WithSummary("Run a finished run's failed, cancelled and lost jobs again, as new attempts.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        runs.MapGet("/{id:guid}/jobs/{jobId:guid}/steps/{index:int}/log", Log).WithName("GetStepLog")
            .WithSummary("A step's log from a byte offset; with follow=true, Server-Sent Events until the step ends.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain", "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Accepted<RunDto>> Trigger(string slug, TriggerRunBody? body, IMediator mediator, CancellationToken ct)
    {
        var run = await mediator.Send(new TriggerRunCommand { Slug = slug, Ref = body?.Ref, Sha = body?.Sha, Variables = body?.Variables }, ct);
        return TypedResults.Accepted($"/api/v1/runs/{run.Id}", run);
    }

    private static async Task<Ok<PagedList<RunSummaryDto>>> List(string slug, IMediator mediator, CancellationToken ct,
        string? status = null, string? branch = null, string? @event = null, long page = 1, long pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListRunsQuery
        {
            Slug = slug, Status = status, Branch = branch, Event = @event, Page = page, PageSize = pageSize,
        }, ct));

    private static async Task<Ok<RunDto>> Get(Guid id, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetRunQuery(id), ct));

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
