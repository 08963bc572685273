using Comet.Application.Notifications;
using Comet.Application.Notifications.Commands;
using Comet.Application.Notifications.Queries;
using Comet.Orchestrator.Infrastructure;
using MediatR;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Comet.Orchestrator.Endpoints;

/// <summary>/api/v1/projects/{slug}/subscriptions: who is told about what, and how. Bind, send, map.</summary>
public static class SubscriptionEndpoints
{
    public static void MapSubscriptionEndpoints(this IEndpointRouteBuilder app)
    {
        var subscriptions = app.MapGroup("/api/v1/projects/{slug}/subscriptions").WithTags("Notifications")
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        subscriptions.MapPost("/", Create).WithName("CreateSubscription")
            .WithSummary("Subscribe a channel to the project's events: run.failed, run.fixed, run.succeeded, approval.requested, deployment.finished, delivery.dead.")
            .WithDescription("Maintainers and owners. events is required; branches (glob patterns) narrows run events to those branches. "
                + "channel is {type: webhook, url, secret?} (a JSON POST signed with X-Comet-Signature-256: sha256=HMAC of the body; "
                + "without secret Comet makes one and shows it in this answer only), {type: slack, webhookUrl}, {type: telegram, botToken, "
                + "chatId}, or {type: email, to: [addresses]} (sent through Notifications:Smtp). Credentials are kept encrypted and never "
                + "returned. template is Liquid for every event, templates {event: Liquid} per event (see POST …/subscriptions/preview); "
                + "without them each event has a default text. A project "
                + "with no subscription sends nothing. Messages go through the outbox: retried, and listed in the delivery log.")
            .WithRequestExample(Examples.Create).WithResponseExample(StatusCodes.Status201Created, Examples.Subscription)
            .ProducesValidationProblem();
        subscriptions.MapGet("/", List).WithName("ListSubscriptions").WithSummary("The project's subscriptions, oldest first (maintainers and owners).")
            .WithResponseExample(StatusCodes.Status200OK, new[] { Examples.Subscription });
        subscriptions.MapPut("/{id:guid}", Update).WithName("UpdateSubscription")
            .WithSummary("Change a subscription's events, branches or template, or mute it; fields left out keep their value.")
            .WithDescription("Maintainers and owners. muted: true stops its messages until muted: false. template \"\" goes back to the "
                + "default text. The channel cannot change: delete the subscription and make a new one.")
            .WithRequestExample(Examples.Update).WithResponseExample(StatusCodes.Status200OK, Examples.Subscription)
            .ProducesValidationProblem();
        subscriptions.MapDelete("/{id:guid}", Delete).WithName("DeleteSubscription").WithSummary("Delete a subscription.");
        subscriptions.MapPost("/preview", Preview).WithName("PreviewNotification")
            .WithSummary("Render a template (or the default) for an event and channel against a sample event; nothing is sent.")
            .WithDescription("Maintainers and owners. The sample is run #42 of this project on main; the answer holds the sample data a "
                + "template can use (event, link, project, run, job, deployment, delivery).")
            .WithRequestExample(Examples.Preview).WithResponseExample(StatusCodes.Status200OK, Examples.Previewed)
            .ProducesValidationProblem();
    }

    private static async Task<Created<SubscriptionDto>> Create(string slug, CreateSubscriptionCommand command, IMediator mediator, CancellationToken ct)
    {
        var created = await mediator.Send(command with { Slug = slug }, ct);
        return TypedResults.Created($"/api/v1/projects/{slug}/subscriptions/{created.Id}", created);
    }

    private static async Task<Ok<IReadOnlyList<SubscriptionDto>>> List(string slug, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ListSubscriptionsQuery(slug), ct));

    private static async Task<Ok<SubscriptionDto>> Update(string slug, Guid id, UpdateSubscriptionCommand command, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(command with { Slug = slug, Id = id }, ct));

    private static async Task<NoContent> Delete(string slug, Guid id, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new DeleteSubscriptionCommand(slug, id), ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<NotificationPreviewDto>> Preview(string slug, PreviewNotificationQuery query, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(query with { Slug = slug }, ct));

    private static class Examples
    {
        public static readonly object Create = new
        {
            events = new[] { "run.failed", "run.fixed" }, branches = new[] { "main" },
            channel = new { type = "slack", webhookUrl = "https://hooks.slack.com/services/T000/B000/XXXX" },
        };

        public static readonly object Subscription = new
        {
            id = "0193a9f0-3c1e-7b2a-9e4d-5f6a7b8c9d0e", personal = false, events = new[] { "run.failed", "run.fixed" }, branches = new[] { "main" },
            channel = new { type = "slack", url = (string?)null, chatId = (string?)null, to = (string[]?)null, hasSecret = true },
            template = (string?)null, templates = new Dictionary<string, string> { ["run.fixed"] = "{{ project.name }} is green again: {{ link }}" }, muted = false, createdBy = "alice", createdAt = new DateTime(2026, 12, 7, 9, 0, 0, DateTimeKind.Utc),
        };

        public static readonly object Update = new { muted = true };

        public static readonly object Preview = new { @event = "run.failed", channel = "slack", template = "{{ project.name }} #{{ run.number }} {{ run.status }}: {{ link }}" };

        public static readonly object Previewed = new
        {
            @event = "run.failed", channel = "slack", subject = "[Comet] ❌ shop-api run #42 on main (1a2b3c4) failed",
            text = "shop-api #42 failed: https://ci.example.com/api/v1/runs/0193a9f0-3c1e-7b2a-9e4d-5f6a7b8c9d0e",
            sample = new { @event = "run.failed", project = new { name = "shop-api", slug = "shop-api" } },
        };
    }
}

/// <summary>/api/v1/me/subscriptions: a person's own notifications. Bind, send, map.</summary>
public static class PersonalSubscriptionEndpoints
{
    public static void MapPersonalSubscriptionEndpoints(this IEndpointRouteBuilder app)
    {
        var mine = app.MapGroup("/api/v1/me/subscriptions").WithTags("Notifications").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        mine.MapPost("/", Create).WithName("CreatePersonalSubscription")
            .WithSummary("Subscribe yourself to the events of a project you belong to (project: slug), or of every project you belong to.")
            .WithDescription("Any signed-in account. The body is a project subscription's (events, branches, channel, template) plus "
                + "project. Messages stop for a project you leave. 404 for a project you do not belong to.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        mine.MapGet("/", List).WithName("ListPersonalSubscriptions").WithSummary("Your own subscriptions, oldest first.");
        mine.MapPut("/{id:guid}", Update).WithName("UpdatePersonalSubscription").WithSummary("Mute or unmute one of your subscriptions: {muted}.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        mine.MapDelete("/{id:guid}", Delete).WithName("DeletePersonalSubscription").WithSummary("Delete one of your subscriptions.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<Created<SubscriptionDto>> Create(CreatePersonalSubscriptionCommand command, IMediator mediator, CancellationToken ct)
    {
        var created = await mediator.Send(command, ct);
        return TypedResults.Created($"/api/v1/me/subscriptions/{created.Id}", created);
    }

    private static async Task<Ok<IReadOnlyList<SubscriptionDto>>> List(IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ListMySubscriptionsQuery(), ct));

    private static async Task<Ok<SubscriptionDto>> Update(Guid id, MuteBody body, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok((await mediator.Send(new ChangeMySubscriptionCommand(id, body.Muted, Delete: false), ct))!);

    private static async Task<NoContent> Delete(Guid id, IMediator mediator, CancellationToken ct)
    {
        await mediator.Send(new ChangeMySubscriptionCommand(id, null, Delete: true), ct);
        return TypedResults.NoContent();
    }

    /// <summary>PUT /api/v1/me/subscriptions/{id}'s body.</summary>
    public sealed record MuteBody(bool? Muted);
}
