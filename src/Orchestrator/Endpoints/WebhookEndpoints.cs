using Comet.Orchestrator.Infrastructure;
using Comet.Application.Common.Models;
using Comet.Application.Webhooks.Commands;
using Comet.Application.Webhooks.Queries;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Endpoints;

/// <summary>Settings under "Webhooks".</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Bodies over this are refused with 413 before they are read.</summary>
    public long MaxBodyBytes { get; set; } = 25L * 1024 * 1024;
}

public static class WebhookEndpoints
{
    private const string Answers =
        "The signature (GitHub X-Hub-Signature-256, Gitea X-Gitea-Signature: HMAC-SHA256 of the body; GitLab X-Gitlab-Token: "
        + "the secret itself) is checked before anything but the repository URLs is read. Answers: 202 run_created; 200 duplicate "
        + "(this ref at this commit already has a run, named by runId; a manual run or a retry builds it again); 200 ping; "
        + "202 ignored or skipped, with the reason; 401 when the signature is missing or matches no project (the same words "
        + "whatever the body holds; refusals are counted on the project, not stored); 400 for a malformed body once the "
        + "signature is verified; 413 over Webhooks:MaxBodyBytes. A delivery id seen before gets the first answer again.";

    public static void MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/hooks").WithTags("Webhooks");
        hooks.MapPost("/{forge}", (string forge, HttpContext context, IMediator mediator, IOptions<WebhookOptions> options) =>
                Receive(forge, null, context, mediator, options.Value))
            .WithName("ReceiveWebhook")
            .WithSummary("A GitHub, GitLab or Gitea webhook; the project is found from the repository URLs in the payload.")
            .WithDescription(Answers + " scripts/github-push.sh sends a signed GitHub push by hand.")
            .WithRequestExample(ApiExamples.GithubPush, "github push").WithRequestExample(ApiExamples.GitlabPush, "gitlab push")
            .WithRequestExample(ApiExamples.GiteaPush, "gitea push").WithResponseExample(StatusCodes.Status202Accepted, ApiExamples.WebhookAccepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapPost("/{forge}/{slug}", (string forge, string slug, HttpContext context, IMediator mediator, IOptions<WebhookOptions> options) =>
                Receive(forge, slug, context, mediator, options.Value))
            .WithName("ReceiveProjectWebhook")
            .WithSummary("A webhook for one project, named by its slug.")
            .WithDescription(Answers + " scripts/github-push.sh sends a signed GitHub push by hand.")
            .WithRequestExample(ApiExamples.GithubPush, "github push").WithRequestExample(ApiExamples.GitlabPush, "gitlab push")
            .WithRequestExample(ApiExamples.GiteaPush, "gitea push").WithResponseExample(StatusCodes.Status202Accepted, ApiExamples.WebhookAccepted)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/api/v1/projects/{slug}/webhook-deliveries", ListDeliveries).WithTags("Webhooks").WithName("ListWebhookDeliveries")
            .WithSummary("Every webhook delivery the project received, newest first, with its outcome.")
            .WithDescription("Viewers and up. What Comet sent out (forge statuses, notifications) is at /api/v1/projects/{slug}/deliveries.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> Receive(string forge, string? slug, HttpContext context, IMediator mediator, WebhookOptions options)
    {
        var ct = context.RequestAborted;
        var body = await BodyReader.ReadBytesAsync(context.Request, options.MaxBodyBytes, ct);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var answer = await mediator.Send(new ReceiveWebhookCommand(forge, slug, headers, body), ct);
        if (answer.StatusCode >= 400)
            return TypedResults.Problem(detail: answer.Detail, statusCode: answer.StatusCode,
                title: answer.StatusCode == StatusCodes.Status401Unauthorized ? "Signature check failed" : "Not found");
        return Results.Content(answer.Json, "application/json", statusCode: answer.StatusCode);
    }

    private static async Task<Ok<PagedList<DeliveryDto>>> ListDeliveries(string slug, IMediator mediator, CancellationToken ct,
        long page = 1, long pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListDeliveriesQuery { Slug = slug, Page = page, PageSize = pageSize }, ct));
}
