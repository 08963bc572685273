using System.Text.Json;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Comet.Application.Projects;
using Comet.Domain.Projects;
using Comet.Domain.Webhooks;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Webhooks.Commands;

/// <summary>A webhook request as it arrived: the forge named in the path, an optional project slug, headers and the raw body.</summary>
public sealed record ReceiveWebhookCommand(string Forge, string? Slug, IReadOnlyDictionary<string, string> Headers, byte[] Body)
    : IRequest<WebhookAnswer>;

/// <summary>The HTTP answer to a delivery; a redelivery gets the same one.</summary>
/// <param name="Detail">What went wrong, for an error answer (the host writes those as problem+json).</param>
public sealed record WebhookAnswer(int StatusCode, string Json, string? Detail = null);

/// <summary>The body of a webhook answer.</summary>
/// <param name="Url">The run's API address under the public address, when a run was made.</param>
public sealed record WebhookOutcome(string Outcome, string Detail, Guid? DeliveryId, Guid? RunId = null, long? RunNumber = null, string? Url = null);

/// <summary>
/// Verifies a delivery, finds its project, and — for pushes, tags and pull requests — plans the run.
/// The delivery, the run and its jobs are written in one SaveChanges (one transaction) before the
/// answer. A delivery id seen before returns the first answer and creates nothing.
/// </summary>
public sealed class ReceiveWebhookHandler(ICometDbContext db, RunPlanner planner, DispatchSignal dispatch, TimeProvider clock,
    IEnumerable<IPublicAddress> publicAddress)
    : IRequestHandler<ReceiveWebhookCommand, WebhookAnswer>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<WebhookAnswer> Handle(ReceiveWebhookCommand request, CancellationToken cancellationToken)
    {
        if (!ProjectRules.TryParseForge(request.Forge, out var forge) || forge == Forge.Generic)
            throw new NotFoundException("webhook receiver", request.Forge);
        var headers = WebhookHeaders.For(forge);
        var eventName = Header(request, headers.EventHeader);
        var deliveryId = Header(request, headers.DeliveryHeader);
        var signature = headers.SignatureHeader is null ? null : Header(request, headers.SignatureHeader);

        // Malformed JSON is a 400 whoever sent it (WebhookPayloadException, mapped by the host).
        var forgeEvent = ForgeEventParser.Parse(forge, eventName, request.Body);

        var candidates = await FindProjectsAsync(request.Slug, forgeEvent, cancellationToken);
        var project = candidates.FirstOrDefault(p => WebhookSignature.Verify(forge, p.WebhookSecret, request.Body, signature));
        var now = clock.GetUtcNow().UtcDateTime;
        if (project is null)
        {
            if (candidates.Count == 0)
            {
                const string noProject = "No project matches this repository; register it first or use /hooks/{forge}/{slug}.";
                return new WebhookAnswer(404, Serialize(new WebhookOutcome("no_project", noProject, null)), noProject);
            }
            var rejected = new Delivery(candidates[0].Id, StatusNameOf(forge), deliveryId, eventName, now);
            var detail = signature is null
                ? $"The {headers.SignatureHeader} header is missing."
                : $"The {headers.SignatureHeader} header does not match the project's webhook secret.";
            var answer = new WebhookAnswer(401, Serialize(new WebhookOutcome("rejected", detail, rejected.Id)), detail);
            rejected.Record("rejected", detail, answer.StatusCode, answer.Json, null);
            db.Deliveries.Add(rejected);
            await db.SaveChangesAsync(cancellationToken);
            return answer;
        }

        if (deliveryId is not null && await FirstAnswerAsync(forge, project.Id, deliveryId, cancellationToken) is { } first)
            return first;

        var delivery = new Delivery(project.Id, StatusNameOf(forge), deliveryId, eventName, now);
        var result = await DecideAsync(project, forgeEvent, delivery, cancellationToken);
        db.Deliveries.Add(delivery);
        try
        {
            if (delivery.RunId is not null && db.Runs.Local.FirstOrDefault(r => r.Id == delivery.RunId) is { } run)
                // Renumbered because a simultaneous delivery took the number: the answer names the number the run got.
                await planner.SaveNewRunAsync(run, cancellationToken, renumbered: () => result = RunCreated(delivery, run));
            else
                await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (deliveryId is not null)
        {
            // The same delivery arrived twice at once and the other copy was stored first: answer as it did.
            return await FirstAnswerAsync(forge, project.Id, deliveryId, cancellationToken) ?? throw new ConflictException("The delivery could not be stored.");
        }
        if (delivery.RunId is not null) dispatch.Notify();
        return result;
    }

    private async Task<WebhookAnswer> DecideAsync(Project project, ForgeEvent forgeEvent, Delivery delivery, CancellationToken cancellationToken)
    {
        switch (forgeEvent.Kind)
        {
            case ForgeEventKind.Ping:
                return Answer(delivery, 200, "ping", forgeEvent.Reason ?? "pong");
            case ForgeEventKind.Deleted:
                return Answer(delivery, 202, "ignored", forgeEvent.Reason ?? "a deleted branch or tag starts no run");
            case ForgeEventKind.Ignored:
                return Answer(delivery, 202, "ignored", forgeEvent.Reason ?? "this event starts no run");
        }
        if (forgeEvent.SkipCi)
            return Answer(delivery, 202, "skipped", "the head commit message asks for no run ([skip ci])");
        if (forgeEvent.Ref is null)
            return Answer(delivery, 202, "ignored", "the event names no ref to build");

        var trigger = new RunTrigger(
            Event: forgeEvent.Kind switch { ForgeEventKind.Tag => "tag", ForgeEventKind.PullRequest => "pull_request", _ => "push" },
            Ref: forgeEvent.Ref,
            Sha: forgeEvent.Sha,
            Branch: forgeEvent.Branch,
            Tag: forgeEvent.Tag,
            FetchRef: forgeEvent.FetchRef,
            CommitMessage: forgeEvent.CommitMessage,
            ChangedFiles: forgeEvent.ChangedFiles);
        var plan = await planner.PlanAsync(project, trigger, applyPipelineWhen: true, cancellationToken);
        if (plan.Run is null)
            return Answer(delivery, 202, "ignored", plan.NotTriggeredReason ?? "the pipeline does not run for this event");

        db.Runs.Add(plan.Run);
        return RunCreated(delivery, plan.Run);
    }

    private WebhookAnswer RunCreated(Delivery delivery, Domain.Runs.PipelineRun run) =>
        Answer(delivery, 202, "run_created",
            run.Error is null ? $"run #{run.Number} created" : $"run #{run.Number} created in error: {run.Error}", run.Id, run.Number,
            publicAddress.FirstOrDefault()?.RunLink(run.Id));

    private static WebhookAnswer Answer(Delivery delivery, int status, string outcome, string detail, Guid? runId = null, long? runNumber = null,
        string? url = null)
    {
        var answer = new WebhookAnswer(status, Serialize(new WebhookOutcome(outcome, detail, delivery.Id, runId, runNumber, url)));
        delivery.Record(outcome, detail, status, answer.Json, runId);
        return answer;
    }

    private async Task<List<Project>> FindProjectsAsync(string? slug, ForgeEvent forgeEvent, CancellationToken cancellationToken)
    {
        if (slug is not null)
        {
            var bySlug = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Slug == slug, cancellationToken)
                ?? throw new NotFoundException("project", slug);
            return [bySlug];
        }
        var wanted = forgeEvent.RepositoryUrls.Select(RepositoryUrl.Normalize).ToHashSet();
        if (wanted.Count == 0) return [];
        // Repository URLs are written in many forms, so they are compared normalised, in memory.
        var projects = await db.Projects.AsNoTracking().ToListAsync(cancellationToken);
        return projects.Where(p => wanted.Contains(RepositoryUrl.Normalize(p.RepoUrl))).ToList();
    }

    private async Task<WebhookAnswer?> FirstAnswerAsync(Forge forge, Guid projectId, string deliveryId, CancellationToken cancellationToken)
    {
        var key = Delivery.KeyFor(StatusNameOf(forge), projectId, deliveryId);
        var first = await db.Deliveries.AsNoTracking().Where(d => d.IdempotencyKey == key)
            .Select(d => new { d.StatusCode, d.Response }).FirstOrDefaultAsync(cancellationToken);
        return first is null ? null : new WebhookAnswer(first.StatusCode, first.Response);
    }

    private static string? Header(ReceiveWebhookCommand request, string name) =>
        request.Headers.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    private static string StatusNameOf(Forge forge) => Domain.Common.StatusName.Of(forge);

    private static string Serialize(WebhookOutcome outcome) => JsonSerializer.Serialize(outcome, Json);
}
