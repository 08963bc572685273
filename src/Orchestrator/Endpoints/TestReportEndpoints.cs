using Comet.Application.TestReports;
using Comet.Application.TestReports.Queries;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

/// <summary>Test results and coverage: per run, and across a project's runs (history, flaky, slowest, coverage trend).</summary>
public static class TestReportEndpoints
{
    public static void MapTestReportEndpoints(this IEndpointRouteBuilder app)
    {
        var runs = app.MapGroup("/api/v1/runs/{id:guid}").WithTags("Tests");
        runs.MapGet("/tests", RunTests).WithName("GetRunTests")
            .WithSummary("A run's test results: totals per job and for the run, failed cases first with their messages.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/coverage", RunCoverage).WithName("GetRunCoverage")
            .WithSummary("A run's coverage (Cobertura): line and branch rates per job and file, and for the run.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        var project = app.MapGroup("/api/v1/projects/{slug}").WithTags("Tests");
        project.MapGet("/tests/flaky", Flaky).WithName("GetFlakyTests")
            .WithSummary("Tests that passed and failed on the same commit, flip between pass and fail, or were marked flaky by their runner.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        project.MapGet("/tests/slowest", Slowest).WithName("GetSlowestTests")
            .WithSummary("The slowest tests by median duration over the project's recent runs.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        project.MapGet("/tests/{testId}/history", History).WithName("GetTestHistory")
            .WithSummary("The last results of one test across runs, newest first.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        project.MapGet("/coverage", CoverageTrend).WithName("GetCoverageTrend")
            .WithSummary("Coverage of a branch's recent runs (default: the project's default branch), oldest first.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Ok<RunTestsDto>> RunTests(Guid id, IMediator mediator, CancellationToken ct, int limit = GetRunTestsQuery.DefaultLimit) =>
        TypedResults.Ok(await mediator.Send(new GetRunTestsQuery(id, limit), ct));

    private static async Task<Ok<RunCoverageDto>> RunCoverage(Guid id, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new GetRunCoverageQuery(id), ct));

    private static async Task<Ok<FlakyTestList>> Flaky(string slug, IMediator mediator, CancellationToken ct, int runs = 50) =>
        TypedResults.Ok(await mediator.Send(new GetFlakyTestsQuery(slug, runs), ct));

    private static async Task<Ok<SlowTestList>> Slowest(string slug, IMediator mediator, CancellationToken ct, int limit = 20, int runs = 50) =>
        TypedResults.Ok(await mediator.Send(new GetSlowestTestsQuery(slug, limit, runs), ct));

    private static async Task<Ok<TestHistoryDto>> History(string slug, string testId, IMediator mediator, CancellationToken ct, int limit = 20) =>
        TypedResults.Ok(await mediator.Send(new GetTestHistoryQuery(slug, testId, limit), ct));

    private static async Task<Ok<CoverageTrendDto>> CoverageTrend(string slug, IMediator mediator, CancellationToken ct, string? branch = null, int limit = 30) =>
        TypedResults.Ok(await mediator.Send(new GetCoverageTrendQuery(slug, branch, limit), ct));
}
