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
/// Finds the projects a delivery may be for (by slug, or by the repository URLs in the body, which is all that is read
/// before the signature is checked), verifies the signature against their secrets, and only then reads the event and,
/// for pushes, tags and pull requests, plans the run. The delivery, the run and its jobs are written in one
/// SaveChanges (one transaction) before the answer. A delivery id seen before returns the first answer and creates
/// nothing; a push of a ref and commit that already has a run answers with that run. Refused deliveries are counted
/// (a metric, and a counter on the project), not stored.
/// </summary>
public sealed class ReceiveWebhookHandler(ICometDbContext db, RunPlanner planner, DispatchSignal dispatch, WebhookMetrics metrics, TimeProvider clock,
    IEnumerable<IPublicAddress> publicAddress, SupersededRuns superseded)
    : IRequestHandler<ReceiveWebhookCommand, WebhookAnswer>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<WebhookAnswer> Handle(ReceiveWebhookCommand request, CancellationToken cancellationToken)
    {
        if (!ProjectRules.TryParseForge(request.Forge, out var forge) || forge == Forge.Generic)
            throw new NotFoundException("webhook receiver", request.Forge);
        metrics.Received(StatusNameOf(forge));
        var headers = WebhookHeaders.For(forge);
        var signature = headers.SignatureHeader is null ? null : Header(request, headers.SignatureHeader);

        var candidates = await FindProjectsAsync(request.Slug, forge, request.Body, cancellationToken);
        var project = candidates.FirstOrDefault(p => WebhookSignature.Verify(forge, p.WebhookSecret, request.Body, signature));
        if (project is null)
            return await RejectAsync(forge, headers, request.Slug is not null, signature is not null, candidates, cancellationToken);

        // From here on the sender knows the project's secret: the body may be read, and a malformed one is a 400
        // that says what is wrong (WebhookPayloadException, mapped by the host).
        var eventName = Header(request, headers.EventHeader);
        var deliveryId = Header(request, headers.DeliveryHeader);
        var forgeEvent = ForgeEventParser.Parse(forge, eventName, request.Body);

        if (deliveryId is not null && await FirstAnswerAsync(forge, project.Id, deliveryId, cancellationToken) is { } first)
            return first;

        var delivery = new Delivery(project.Id, StatusNameOf(forge), deliveryId, eventName, clock.GetUtcNow().UtcDateTime);
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
        catch (DbUpdateException) when (deliveryId is not null || delivery.TriggerKey is not null)
        {
            return await AnswerTheRaceLostAsync(forge, project.Id, delivery, cancellationToken);
        }
        if (delivery.RunId is { } runId)
        {
            await superseded.CancelOlderRunsAsync(runId, cancellationToken);
            dispatch.Notify();
        }
        return result;
    }

    /// <summary>
    /// A copy of this delivery (same delivery id), or another delivery of the same push, was stored first while this
    /// one was being planned: answer as the first did, or with the run the other one made.
    /// </summary>
    private async Task<WebhookAnswer> AnswerTheRaceLostAsync(Forge forge, Guid projectId, Delivery lost, CancellationToken cancellationToken)
    {
        if (lost.DeliveryId is not null && await FirstAnswerAsync(forge, projectId, lost.DeliveryId, cancellationToken) is { } first)
            return first;
        if (lost.TriggerKey is null || await ExistingRunAsync(projectId, lost.TriggerKey, cancellationToken) is not { } existing)
            throw new ConflictException("The delivery could not be stored.");

        // The planned run, its jobs and this delivery are still tracked as added; none of it may be written now.
        db.Deliveries.Entry(lost).Context.ChangeTracker.Clear();
        var delivery = new Delivery(projectId, lost.Forge, lost.DeliveryId, lost.Event, lost.ReceivedAt);
        var answer = Duplicate(delivery, existing);
        db.Deliveries.Add(delivery);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (lost.DeliveryId is not null)
        {
            return await FirstAnswerAsync(forge, projectId, lost.DeliveryId, cancellationToken) ?? throw new ConflictException("The delivery could not be stored.");
        }
        return answer;
    }

    /// <summary>
    /// 401 whose words depend only on the route and whether the signature header was sent, never on the body: an
    /// unsigned "{}", garbage and a real push read the same, and an unknown repository reads like a wrong secret,
    /// so nobody learns which repositories are registered. The refusal is counted, not stored.
    /// </summary>
    private async Task<WebhookAnswer> RejectAsync(Forge forge, ForgeHeaders headers, bool bySlug, bool signed,
        List<Project> candidates, CancellationToken cancellationToken)
    {
        var detail = !signed
            ? $"The {headers.SignatureHeader} header is missing."
            : bySlug
                ? $"The {headers.SignatureHeader} header does not match the project's webhook secret."
                : $"The {headers.SignatureHeader} header does not match the webhook secret of any project registered for this repository.";
        var reason = candidates.Count == 0 ? "no_project" : signed ? "signature_mismatch" : "signature_missing";
        metrics.Rejected(StatusNameOf(forge), reason);

        if (candidates.Count > 0)
        {
            var ids = candidates.Select(p => p.Id).ToList();
            var now = clock.GetUtcNow().UtcDateTime;
            // One UPDATE that adds in the database: concurrent refusals cannot overwrite each other's count.
            await db.Projects.Where(p => ids.Contains(p.Id)).ExecuteUpdateAsync(set => set
                .SetProperty(p => p.RejectedDeliveries, p => p.RejectedDeliveries + 1)
                .SetProperty(p => p.LastRejectedAt, now)
                .SetProperty(p => p.LastRejectionReason, detail), cancellationToken);
        }
        return new WebhookAnswer(401, Serialize(new WebhookOutcome("rejected", detail, null)), detail);
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

        var eventKind = forgeEvent.Kind switch { ForgeEventKind.Tag => "tag", ForgeEventKind.PullRequest => "pull_request", _ => "push" };
        // The same ref at the same commit, sent again (a new delivery id, none, or a forge that retried), builds nothing
        // new; a manual run or a retry is how to build it again. Pull requests key on refs/pull/N/head and the head sha.
        var triggerKey = Delivery.TriggerKeyFor(eventKind, forgeEvent.Ref, forgeEvent.Sha);
        if (await ExistingRunAsync(project.Id, triggerKey, cancellationToken) is { } existing)
            return Duplicate(delivery, existing);

        var trigger = new RunTrigger(
            Event: eventKind,
            Ref: forgeEvent.Ref,
            Sha: forgeEvent.Sha,
            Branch: forgeEvent.Branch,
            Tag: forgeEvent.Tag,
            FetchRef: forgeEvent.FetchRef,
            CommitMessage: forgeEvent.CommitMessage,
            ChangedFiles: forgeEvent.ChangedFiles,
            FromFork: forgeEvent.Kind == ForgeEventKind.PullRequest && forgeEvent.FromFork,
            TriggeredBy: forgeEvent.Sender,
            CommitAuthor: forgeEvent.CommitAuthor);
        var plan = await planner.PlanAsync(project, trigger, applyPipelineWhen: true, cancellationToken);
        if (plan.Run is null)
            return Answer(delivery, 202, "ignored", plan.NotTriggeredReason ?? "the pipeline does not run for this event");

        db.Runs.Add(plan.Run);
        delivery.ClaimTrigger(triggerKey);
        return RunCreated(delivery, plan.Run);
    }

    private sealed record ExistingRun(Guid Id, long Number);

    private async Task<ExistingRun?> ExistingRunAsync(Guid projectId, string triggerKey, CancellationToken cancellationToken) =>
        await (from d in db.Deliveries.AsNoTracking()
               where d.ProjectId == projectId && d.TriggerKey == triggerKey
               join r in db.Runs.AsNoTracking() on d.RunId equals r.Id
               select new ExistingRun(r.Id, r.Number)).FirstOrDefaultAsync(cancellationToken);

    private WebhookAnswer Duplicate(Delivery delivery, ExistingRun run) =>
        Answer(delivery, 200, "duplicate",
            $"run #{run.Number} already builds this ref at this commit; start a manual run or retry that run to build it again", run.Id, run.Number,
            publicAddress.FirstOrDefault()?.RunLink(run.Id));

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

    private async Task<List<Project>> FindProjectsAsync(string? slug, Forge forge, byte[] body, CancellationToken cancellationToken)
    {
        if (slug is not null)
        {
            var bySlug = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Slug == slug, cancellationToken)
                ?? throw new NotFoundException("project", slug);
            return [bySlug];
        }
        var wanted = WebhookRepository.UrlsIn(forge, body).Select(RepositoryUrl.Normalize).Where(u => u.Length > 0).ToHashSet();
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
