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
    public static void MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/hooks").WithTags("Webhooks");
        hooks.MapPost("/{forge}", (string forge, HttpContext context, IMediator mediator, IOptions<WebhookOptions> options) =>
                Receive(forge, null, context, mediator, options.Value))
            .WithName("ReceiveWebhook")
            .WithSummary("A GitHub, GitLab or Gitea webhook; the project is found from the repository URLs in the payload.")
            .WithDescription("forge is github, gitlab or gitea. Signed with the project's webhook secret: GitHub sends X-Hub-Signature-256 "
                + "(HMAC-SHA256 of the body), Gitea X-Gitea-Signature (the same, hex), GitLab X-Gitlab-Token (the secret itself). The "
                + "event is X-GitHub-Event, X-Gitlab-Event or X-Gitea-Event; the delivery id (X-GitHub-Delivery, X-Gitea-Delivery, "
                + "X-Gitlab-Event-UUID) makes a redelivery answer like the first time. No bearer token: the signature is the "
                + "authentication. scripts/github-push.sh sends a signed push by hand.")
            .WithRequestExample(ApiExamples.GithubPush, "github push").WithRequestExample(ApiExamples.GitlabPush, "gitlab push")
            .WithRequestExample(ApiExamples.GiteaPush, "gitea push").WithResponseExample(StatusCodes.Status202Accepted, ApiExamples.WebhookAccepted)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);
        hooks.MapPost("/{forge}/{slug}", (string forge, string slug, HttpContext context, IMediator mediator, IOptions<WebhookOptions> options) =>
                Receive(forge, slug, context, mediator, options.Value))
            .WithName("ReceiveProjectWebhook")
            .WithSummary("A webhook for one project, named by its slug.")
            .WithDescription("Like POST /hooks/{forge}, for a project whose repository URL the payload does not name (a mirror, a renamed "
                + "repository). Signed the same way.")
            .WithRequestExample(ApiExamples.GithubPush, "github push").WithRequestExample(ApiExamples.GitlabPush, "gitlab push")
            .WithRequestExample(ApiExamples.GiteaPush, "gitea push").WithResponseExample(StatusCodes.Status202Accepted, ApiExamples.WebhookAccepted)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/api/v1/projects/{slug}/deliveries", ListDeliveries).WithTags("Webhooks").WithName("ListDeliveries")
            .WithSummary("Every webhook delivery the project received, newest first, with its outcome.")
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
        int page = 1, int pageSize = Paging.DefaultPageSize) =>
        TypedResults.Ok(await mediator.Send(new ListDeliveriesQuery { Slug = slug, Page = page, PageSize = pageSize }, ct));
}
