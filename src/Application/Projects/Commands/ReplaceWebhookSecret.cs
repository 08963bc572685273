using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Projects;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Projects.Commands;

/// <summary>
/// A new webhook secret for a project, shown this once: for a secret that was lost or leaked. Deliveries signed with
/// the old one are refused from the moment it is saved, so the forge's webhook must get the new one.
/// </summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record ReplaceWebhookSecretCommand(string Slug) : IRequest<WebhookSecretDto>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;
}

/// <summary>The new secret, never shown again, and when it took effect.</summary>
public sealed record WebhookSecretDto(string Slug, string WebhookSecret, DateTime ReplacedAt);

public sealed class ReplaceWebhookSecretHandler(ICometDbContext db, TimeProvider clock, Identity.AuditTrail audit)
    : IRequestHandler<ReplaceWebhookSecretCommand, WebhookSecretDto>
{
    public async Task<WebhookSecretDto> Handle(ReplaceWebhookSecretCommand request, CancellationToken cancellationToken)
    {
        var project = await db.Projects.FirstOrDefaultAsync(p => p.Slug == request.Slug, cancellationToken)
            ?? throw new NotFoundException("project", request.Slug);
        var secret = ProjectRules.NewWebhookSecret();
        var now = clock.GetUtcNow().UtcDateTime;
        project.ReplaceWebhookSecret(secret, now);
        audit.Record(Domain.Identity.AuditActions.WebhookSecretReplaced, target: $"project:{project.Slug}", detail: project.Name);
        await db.SaveChangesAsync(cancellationToken);
        return new WebhookSecretDto(project.Slug, secret, now);
    }
}
