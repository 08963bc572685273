using Comet.Application.Common.Models;
using Comet.Application.Schedules;
using Comet.Application.Schedules.Commands;
using Comet.Application.Schedules.Queries;
using Comet.Orchestrator.Infrastructure;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

/// <summary>/api/v1/projects/{slug}/schedules: runs at cron times in a time zone. Bind, send, map.</summary>
public static class ScheduleEndpoints
{
    public static void MapScheduleEndpoints(this IEndpointRouteBuilder app)
    {
        var schedules = app.MapGroup("/api/v1/projects/{slug}/schedules").WithTags("Schedules")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        schedules.MapPost("/", Create).WithName("CreateSchedule")
            .WithSummary("Create a schedule: cron runs of a branch's head in a time zone; the answer shows the next five fire times.")
            .WithDescription("Maintainers and owners. name and cron are required. cron has five fields (minute hour day-of-month month "
                + "day-of-week, or a macro such as @daily), read in timeZone, an IANA id (default UTC). branch defaults to the project's "
                + "default branch; variables are added to the pipeline's like a manual run's; enabled defaults to true. A run it makes has "
                + "event cron, so `when: event: [cron]` filters apply. On a daylight-saving day a time that does not exist fires once when "
                + "the clocks have jumped, and a time that happens twice fires once. 409 when the name is taken.")
            .WithRequestExample(Examples.Create).WithResponseExample(StatusCodes.Status201Created, Examples.Schedule)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        schedules.MapGet("/", List).WithName("ListSchedules").WithSummary("A project's schedules by name, with their next fire times.")
            .WithDescription("Viewers and up. page starts at 1 (at most 1000000), pageSize is 1–100 (default 20). nextRuns holds each "
                + "fire time as a UTC instant and as the wall-clock time in the schedule's zone; it is empty while a schedule is disabled. "
                + "lastOutcome says what the last fired slot came to: run_created (lastRunId) or not_triggered (the pipeline's when: "
                + "excluded it; lastOutcomeDetail says why).")
            .WithResponseExample(StatusCodes.Status200OK, Examples.Page)
            .ProducesValidationProblem();
        schedules.MapGet("/{id:guid}", Get).WithName("GetSchedule").WithSummary("One schedule with its next fire times.")
            .WithResponseExample(StatusCodes.Status200OK, Examples.Schedule);
        schedules.MapPut("/{id:guid}", Update).WithName("UpdateSchedule")
            .WithSummary("Change a schedule's fields; fields left out keep their value.")
            .WithDescription("Maintainers and owners. variables, when given, replace the old set. A new cron or zone, or enabled going "
                + "back to true, starts from now: slots that passed before do not fire.")
            .WithRequestExample(Examples.Update).WithResponseExample(StatusCodes.Status200OK, Examples.Schedule)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        schedules.MapDelete("/{id:guid}", Delete).WithName("DeleteSchedule")
            .WithSummary("Delete a schedule; the runs it made stay and still name it.");
    }

    private static async Task<Created<ScheduleDto>> Create(string slug, CreateScheduleCommand command, IMediator mediator, CancellationToken ct)
    {
        var created = await mediator.Send(command with { Slug = slug }, ct);
        return TypedResults.Created($"/api/v1/projects/{slug}/schedules/{created.Id}", created);
    }

    private static async Task<Ok<PagedList<ScheduleDto>>> List(string slug, IMediator mediator, CancellationToken ct,
        long page = 1, long pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListSchedulesQuery { Slug = slug, Page = page, PageSize = pageSize }, ct));

    private static async Task<Ok<ScheduleDto>> Get(string slug, Guid id, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetScheduleQuery(slug, id), ct));

    private static async Task<Ok<ScheduleDto>> Update(string slug, Guid id, UpdateScheduleCommand command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(command with { Slug = slug, Id = id }, ct));

    private static async Task<NoContent> Delete(string slug, Guid id, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new DeleteScheduleCommand(slug, id), ct);
        return TypedResults.NoContent();
    }

    /// <summary>Swagger's examples, in the story of <see cref="ApiExamples"/> (project "Shop API").</summary>
    private static class Examples
    {
        private static readonly DateTime At = new(2026, 11, 23, 9, 30, 0, DateTimeKind.Utc);

        public static readonly object Create = new
        {
            name = "nightly", cron = "30 2 * * *", timeZone = "Europe/Berlin", branch = "main",
            variables = new Dictionary<string, string> { ["SUITE"] = "full" }, enabled = true,
        };

        public static readonly object Update = new { cron = "0 3 * * 1-5", enabled = true };

        public static readonly object Schedule = new
        {
            id = "0193a6f5-2a3b-7c4d-8e5f-6a7b8c9d0e1f", name = "nightly", cron = "30 2 * * *", timeZone = "Europe/Berlin", branch = "main",
            variables = new Dictionary<string, string> { ["SUITE"] = "full" }, enabled = true, createdAt = At, updatedAt = At,
            lastSlotAt = new DateTime(2026, 11, 23, 1, 30, 0, DateTimeKind.Utc), lastFiredAt = new DateTime(2026, 11, 23, 1, 30, 4, DateTimeKind.Utc),
            lastRunId = "0193a6f4-1b2c-7e5f-8a90-3c4d5e6f7a81", lastOutcome = "run_created",
            nextRuns = Enumerable.Range(24, 5).Select(day => new
            {
                utc = new DateTime(2026, 11, day, 1, 30, 0, DateTimeKind.Utc),
                local = new DateTimeOffset(2026, 11, day, 2, 30, 0, TimeSpan.FromHours(1)),
            }).ToArray(),
        };

        public static readonly object Page = new { items = new[] { Schedule }, page = 1, pageSize = 20, totalCount = 1, totalPages = 1 };
    }
}
