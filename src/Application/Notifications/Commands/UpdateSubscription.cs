using System.Text.Json.Serialization;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Projects;
using Comet.Application.Common.Security;
using Comet.Application.Identity;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Notifications.Commands;

/// <summary>Changes what a project subscription hears, its template, or mutes it; fields left out stay. The channel is fixed (delete and make anew).</summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record UpdateSubscriptionCommand : IRequest<SubscriptionDto>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    [JsonIgnore]
    public string Slug { get; init; } = "";
    [JsonIgnore]
    public Guid Id { get; init; }
    public List<string>? Events { get; init; }
    public List<string>? Branches { get; init; }

    /// <summary>A new template; an empty string goes back to the default.</summary>
    public string? Template { get; init; }
    public bool? Muted { get; init; }

    /// <summary>Replaces the per-event templates (an empty map clears them).</summary>
    public Dictionary<string, string>? Templates { get; init; }
}

public sealed class UpdateSubscriptionValidator : AbstractValidator<UpdateSubscriptionCommand>
{
    public UpdateSubscriptionValidator(INotificationTemplates templates)
    {
        RuleFor(c => c.Events).EventsRule(required: false);
        RuleFor(c => c.Branches).BranchesRule();
        RuleFor(c => c.Template).TemplateRule(templates);
        RuleFor(c => c.Templates).TemplatesRule(templates);
    }
}

public sealed class UpdateSubscriptionHandler(ICometDbContext db, AuditTrail audit) : IRequestHandler<UpdateSubscriptionCommand, SubscriptionDto>
{
    public async Task<SubscriptionDto> Handle(UpdateSubscriptionCommand request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var subscription = await db.Subscriptions.FirstOrDefaultAsync(s => s.Id == request.Id && s.ProjectId == projectId && s.UserId == null, cancellationToken)
            ?? throw new NotFoundException("subscription", request.Id.ToString());
        subscription.Change(request.Events, request.Branches, request.Template is "" ? null : request.Template, clearTemplate: request.Template is "", request.Muted);
        if (request.Templates is { } perEvent) subscription.SetTemplates(perEvent);
        audit.Record(NotificationAuditActions.SubscriptionChanged, target: $"project:{request.Slug}", detail: NotificationAuditActions.Describe(subscription));
        await db.SaveChangesAsync(cancellationToken);
        return SubscriptionDto.From(subscription);
    }
}
