using Comet.Application.Common.Models;
using Comet.Application.Outbound;
using Comet.Application.Outbound.Commands;
using Comet.Application.Outbound.Queries;
using Comet.Orchestrator.Infrastructure;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

/// <summary>The delivery log: what Comet sent out (forge statuses, notifications) through the outbox. Bind, send, map.</summary>
public static class DeliveryEndpoints
{
    private const string Lifecycle =
        "A delivery is written in the transaction of the change that caused it and sent by the outbox worker: pending until it is "
        + "delivered, retried with exponential backoff (jittered, honouring Retry-After) on 408, 429, 5xx, timeouts and refused "
        + "connections, and dead when the destination rejects it (other 4xx, a redirect, a refused address), when a secret it needs "
        + "is missing, or after Outbox:MaxAttempts attempts or Outbox:MaxAge. While a destination's circuit breaker is open its "
        + "deliveries wait without using attempts, and lastError says so. Credentials are never shown.";

    public static void MapDeliveryEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").WithTags("Deliveries")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapGet("/projects/{slug}/deliveries", List).WithName("ListOutboundDeliveries")
            .WithSummary("A project's outbound deliveries (forge statuses, notifications), newest first, optionally in one state.")
            .WithDescription("Viewers and up. state: pending, delivered or dead (default: all). page starts at 1, pageSize is 1–100 "
                + "(default 20). " + Lifecycle + " The webhooks the project received are at /api/v1/projects/{slug}/webhook-deliveries.")
            .WithResponseExample(StatusCodes.Status200OK, Examples.Page)
            .ProducesValidationProblem();
        group.MapGet("/deliveries/{id:guid}", Get).WithName("GetOutboundDelivery")
            .WithSummary("One outbound delivery with every attempt: the request (without credentials), status, latency and answer.")
            .WithDescription("Viewers of its project and up. " + Lifecycle)
            .WithResponseExample(StatusCodes.Status200OK, Examples.WithAttempts);
        group.MapPost("/deliveries/{id:guid}/redeliver", Redeliver).WithName("RedeliverDelivery")
            .WithSummary("Send a delivered or dead delivery again: back to pending with its attempts reset.")
            .WithDescription("Maintainers and owners; audited. 409 when it is still pending (it is being sent anyway). The receiver "
                + "sees the same X-Comet-Delivery header as before and can tell it is the same message.")
            .WithResponseExample(StatusCodes.Status200OK, Examples.Pending)
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapPost("/projects/{slug}/deliveries/redeliver-dead", RedeliverDead).WithName("RedeliverDeadDeliveries")
            .WithSummary("Send every dead delivery of the project again (after fixing a token, say); answers how many.")
            .WithDescription("Maintainers and owners; audited. Each goes back to pending with its attempts reset.")
            .WithResponseExample(StatusCodes.Status200OK, new { count = 3 });
    }

    private static async Task<Ok<PagedList<OutboxMessageDto>>> List(string slug, IMediator mediator, CancellationToken ct,
        string? state = null, long page = 1, long pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListOutboxMessagesQuery { Slug = slug, State = state, Page = page, PageSize = pageSize }, ct));

    private static async Task<Ok<OutboxMessageDto>> Get(Guid id, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetOutboxMessageQuery(id), ct));

    private static async Task<Ok<OutboxMessageDto>> Redeliver(Guid id, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new RedeliverMessageCommand(id), ct));

    private static async Task<Ok<RedeliveredCount>> RedeliverDead(string slug, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new RedeliverDeadCommand { Slug = slug }, ct));

    /// <summary>Swagger's examples, in the story of <see cref="ApiExamples"/> (project "Shop API").</summary>
    private static class Examples
    {
        private static readonly DateTime At = new(2026, 11, 23, 9, 30, 0, DateTimeKind.Utc);

        private static object Delivery(string state, int attempts, string? lastError, string? deadReason, object? attemptLog) => new
        {
            id = "0193a6f9-2a3b-7c4d-8e5f-6a7b8c9d0e1f", kind = "forge_status", channel = "http", destination = "https://api.github.com",
            summary = "GitHub status success for 9fceb02 (comet)", state, attempts, nextAttemptAt = At.AddSeconds(3), createdAt = At,
            deliveredAt = state == "delivered" ? At.AddSeconds(4) : (DateTime?)null, lastError, deadReason,
            runId = "0193a6f4-1b2c-7e5f-8a90-3c4d5e6f7a81", attemptLog,
        };

        public static readonly object Pending = Delivery("pending", 0, null, null, null);

        public static readonly object WithAttempts = Delivery("delivered", 2, null, null, new object[]
        {
            new { number = 1, at = At.AddSeconds(1), request = "POST https://api.github.com/repos/acme/shop-api/statuses/9fceb02d0ae598e95dc970b74767f19372d61af8",
                statusCode = 502, latencyMs = 212, answer = "Bad Gateway", result = "retry" },
            new { number = 2, at = At.AddSeconds(4), request = "POST https://api.github.com/repos/acme/shop-api/statuses/9fceb02d0ae598e95dc970b74767f19372d61af8",
                statusCode = 201, latencyMs = 180, answer = "{\"state\":\"success\",\"context\":\"comet\"}", result = "delivered" },
        });

        public static readonly object Page = new
        {
            items = new[] { Delivery("dead", 1, "401: Bad credentials", "rejected: 401: Bad credentials", null) },
            page = 1, pageSize = 20, totalCount = 1, totalPages = 1,
        };
    }
}
