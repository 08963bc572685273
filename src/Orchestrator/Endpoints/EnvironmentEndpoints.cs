using Comet.Application.Common.Models;
using Comet.Application.Environments;
using Comet.Application.Environments.Commands;
using Comet.Application.Environments.Queries;
using Comet.Orchestrator.Infrastructure;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

/// <summary>/api/v1/projects/{slug}/environments: where a project deploys, and what went there. Bind, send, map.</summary>
public static class EnvironmentEndpoints
{
    public static void MapEnvironmentEndpoints(this IEndpointRouteBuilder app)
    {
        var environments = app.MapGroup("/api/v1/projects/{slug}/environments").WithTags("Environments")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        environments.MapGet("/", List).WithName("ListEnvironments")
            .WithSummary("A project's environments by name, each with what is deployed there now and its latest deployment.")
            .WithDescription("Viewers and up. An environment exists once a job names it with `environment:` in .comet.yml; url is the "
                + "latest a job gave. current is the latest successful deployment; latest is the latest of any status (running, "
                + "success, failed, cancelled, error). page starts at 1 (at most 1000000), pageSize is 1–100 (default 20).")
            .WithResponseExample(StatusCodes.Status200OK, Examples.EnvironmentPage)
            .ProducesValidationProblem();
        environments.MapPut("/{name}", Protect).WithName("ProtectEnvironment")
            .WithSummary("Set an environment's protection rules (made if no job has named it yet); fields left out go back to their defaults.")
            .WithDescription("Maintainers and owners. requiredApprovals (0–10, default 0): distinct approvals a deploying job needs before "
                + "it starts (maintainers, owners and admins give them with POST /api/v1/runs/{id}/jobs/{jobId}/approve). allowSelfApproval "
                + "(default false): whether whoever triggered the run may be one of them. branches / tags: glob patterns (main, release/*, "
                + "v*) of the refs that may deploy here; empty both: any ref. A job of another ref fails before it starts, saying why — it "
                + "never runs without the environment's secrets. approvalTimeout (e.g. 30m, 2h, 1d; default none): a deploy still waiting "
                + "then fails with 'approval timed out'. deployLock (default false): one deployment here at a time; a newer run's deploy "
                + "makes an older one still waiting skip, with a note naming the newer run. url: where the environment can be seen.")
            .WithRequestExample(Examples.Protect).WithResponseExample(StatusCodes.Status200OK, Examples.Protected)
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status409Conflict);
        environments.MapGet("/{name}/deployments", Deployments).WithName("ListDeployments")
            .WithSummary("An environment's deployments, newest first: run, job, commit, ref, who triggered it, status, start and finish.")
            .WithDescription("Viewers and up. A deployment is written when a job that names the environment starts, and takes the "
                + "job's final status when it ends; each retry attempt is a deployment of its own. 404 when the project has no "
                + "environment of that name. page starts at 1 (at most 1000000), pageSize is 1–100 (default 20).")
            .WithResponseExample(StatusCodes.Status200OK, Examples.DeploymentPage)
            .ProducesValidationProblem();
    }

    private static async Task<Ok<PagedList<EnvironmentDto>>> List(string slug, IMediator mediator, CancellationToken ct,
        long page = 1, long pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListEnvironmentsQuery { Slug = slug, Page = page, PageSize = pageSize }, ct));

    private static async Task<Ok<EnvironmentDto>> Protect(string slug, string name, ProtectEnvironmentCommand? body, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send((body ?? new ProtectEnvironmentCommand()) with { Slug = slug, Name = name }, ct));

    private static async Task<Ok<PagedList<DeploymentDto>>> Deployments(string slug, string name, IMediator mediator, CancellationToken ct,
        long page = 1, long pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListDeploymentsQuery { Slug = slug, Environment = name, Page = page, PageSize = pageSize }, ct));

    /// <summary>Swagger's examples, in the story of <see cref="ApiExamples"/> (project "Shop API").</summary>
    private static class Examples
    {
        private static readonly DateTime At = new(2026, 11, 23, 9, 30, 0, DateTimeKind.Utc);

        private static readonly object Deployment = new
        {
            id = "0193a6f7-4c5d-7e6f-8a9b-0c1d2e3f4a5b", environment = "production", runId = "0193a6f4-1b2c-7e5f-8a90-3c4d5e6f7a81",
            runNumber = 42, jobId = "0193a6f4-1b2c-7e5f-8a90-3c4d5e6f7a99", jobName = "deploy", attempt = 1,
            sha = "9fceb02d0ae598e95dc970b74767f19372d61af8", @ref = "refs/heads/main", triggeredBy = "alice",
            url = "https://shop.example.com", status = "success", startedAt = At, finishedAt = At.AddSeconds(48),
        };

        private static readonly object Protection = new
        {
            requiredApprovals = 1, branches = new[] { "main" }, tags = new[] { "v*" }, allowSelfApproval = false, approvalTimeout = "2h", deployLock = true,
        };

        public static readonly object Protect = Protection;

        public static readonly object Protected = new
        {
            name = "production", url = "https://shop.example.com", createdAt = At.AddDays(-30), current = Deployment, latest = Deployment,
            protection = Protection,
        };

        public static readonly object EnvironmentPage = new
        {
            items = new[] { Protected },
            page = 1, pageSize = 20, totalCount = 1, totalPages = 1,
        };

        public static readonly object DeploymentPage = new { items = new[] { Deployment }, page = 1, pageSize = 20, totalCount = 1, totalPages = 1 };
    }
}
