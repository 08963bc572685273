using Comet.Domain.Projects;
using Comet.Application.Common.Security;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Projects.Commands;

/// <summary>Deletes a project with its runs, jobs and steps (the database cascades).</summary>
[RequiresProjectRole(ProjectRole.Owner)]
public sealed record DeleteProjectCommand(string Slug) : IRequest<Unit>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class DeleteProjectHandler(ICometDbContext db, Identity.AuditTrail audit) : IRequestHandler<DeleteProjectCommand, Unit>
{
    public async Task<Unit> Handle(DeleteProjectCommand request, CancellationToken cancellationToken)
    {
        var project = await db.Projects.FirstOrDefaultAsync(p => p.Slug == request.Slug, cancellationToken)
            ?? throw new NotFoundException("project", request.Slug);
        db.Projects.Remove(project);
        audit.Record(Domain.Identity.AuditActions.ProjectDeleted, target: $"project:{project.Slug}", detail: project.Name);
        await db.SaveChangesAsync(cancellationToken);
        return Unit.Value;
    }
}
