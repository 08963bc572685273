using Comet.Orchestrator.Infrastructure;
using Comet.Application.Common.Models;
using Comet.Application.Identity.Queries;
using Comet.Application.Runs.Queries;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

/// <summary>What an administrator reads across the instance: the accounts and the queue of jobs not started yet.</summary>
public static class AdminOverviewEndpoints
{
    public static void MapAdminOverviewEndpoints(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/admin").WithTags("Administration").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/users", ListUsers).WithName("ListUsers")
            .WithSummary("Every account by username, a page at a time (admins only).")
            .WithDescription("username, displayName, email, role (user or admin), createdAt, mustChangePassword (an admin reset the "
                + "password and the user has not picked a new one) and passwordChangedAt; never a password or token. page starts at 1, "
                + "pageSize is 1–100 (default 20). Others get 403.")
            .WithResponseExample(StatusCodes.Status200OK, ApiExamples.UserPage)
            .ProducesValidationProblem();
        admin.MapGet("/queue", ListQueue).WithName("ListQueue")
            .WithSummary("Jobs of every project that have not started yet, oldest wait first, each saying why it waits (admins only).")
            .WithDescription("Jobs created, waiting for their needs, waiting for approval or queued for a runner, with the project slug, "
                + "run id and number, job name, status, queuedSince (when it was queued; for a job waiting on needs or an approval, when "
                + "its run was made) and the waitingReason GET /api/v1/runs/{id} gives. limit is 1–100 (default 50); total counts them "
                + "all. Others get 403.")
            .WithResponseExample(StatusCodes.Status200OK, ApiExamples.Queue)
            .ProducesValidationProblem();
    }

    private static async Task<Ok<PagedList<UserDto>>> ListUsers(IMediator mediator, CancellationToken ct,
        long page = 1, long pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListUsersQuery { Page = page, PageSize = pageSize }, ct));

    private static async Task<Ok<QueueDto>> ListQueue(IMediator mediator, CancellationToken ct, long limit = ListQueueQuery.DefaultLimit) =>
        TypedResults.Ok(await mediator.Send(new ListQueueQuery { Limit = limit }, ct));
}
