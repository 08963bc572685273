using System.Text.Json.Serialization;
using Comet.Application.Common.Interfaces;
using Comet.Application.Projects;
using Comet.Application.Common.Security;
using Comet.Domain.Notifications;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Notifications.Queries;

/// <summary>Renders a template (or the default) for an event and channel against a sample event of this project, without sending anything.</summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record PreviewNotificationQuery : IRequest<NotificationPreviewDto>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    [JsonIgnore]
    public string Slug { get; init; } = "";
    public string? Event { get; init; }
    public string? Channel { get; init; }
    public string? Template { get; init; }
}

/// <summary>The rendered text, the mail subject, and the sample data it was rendered with.</summary>
public sealed record NotificationPreviewDto(string Event, string Channel, string Subject, string Text, IReadOnlyDictionary<string, object?> Sample);

public sealed class PreviewNotificationValidator : AbstractValidator<PreviewNotificationQuery>
{
    public PreviewNotificationValidator(INotificationTemplates templates)
    {
        RuleFor(c => c.Event).Must(e => e is not null && NotificationEvents.All.Contains(e))
            .WithMessage(c => $"event is one of {string.Join(", ", NotificationEvents.All)}.");
        RuleFor(c => c.Channel).Must(c => c is null || NotificationChannels.All.Contains(c))
            .WithMessage(c => $"channel is one of {string.Join(", ", NotificationChannels.All)}.");
        RuleFor(c => c.Template).TemplateRule(templates);
    }
}

public sealed class PreviewNotificationHandler(ICometDbContext db, INotificationTemplates templates, IEnumerable<IPublicAddress> addresses)
    : IRequestHandler<PreviewNotificationQuery, NotificationPreviewDto>
{
    public async Task<NotificationPreviewDto> Handle(PreviewNotificationQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var project = await db.Projects.AsNoTracking().FirstAsync(p => p.Id == projectId, cancellationToken);
        var channel = request.Channel ?? NotificationChannels.Webhook;
        var link = addresses.FirstOrDefault()?.RunLink(Guid.Empty) ?? "https://ci.example.com/api/v1/runs/00000000-0000-0000-0000-000000000000";
        var sample = NotificationModel.Sample(request.Event!, project, link);
        var text = templates.Render(request.Template ?? DefaultTemplates.For(request.Event!, channel), sample);
        return new NotificationPreviewDto(request.Event!, channel, templates.Render(DefaultTemplates.Subject(request.Event!), sample), text, sample);
    }
}
