using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Models;
using Comet.Application.Common.Security;
using Comet.Application.Projects;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Secrets.Queries;

/// <summary>
/// The secrets a project's jobs may name — the project's, its environments', and the instance's — by name, never by
/// value (viewers may list them). Where names clash the narrower scope wins; each is listed, so a user sees which.
/// </summary>
[RequiresProjectRole(ProjectRole.Viewer)]
public sealed record ListProjectSecretsQuery : PagedQuery, IRequest<PagedList<SecretDto>>, IProjectRequest
{
    public string Slug { get; init; } = "";

    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class ListProjectSecretsValidator : PagedQueryValidator<ListProjectSecretsQuery>;

public sealed class ListProjectSecretsHandler(ICometDbContext db) : IRequestHandler<ListProjectSecretsQuery, PagedList<SecretDto>>
{
    public async Task<PagedList<SecretDto>> Handle(ListProjectSecretsQuery request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var secrets = db.Secrets.AsNoTracking()
            .Where(s => s.ProjectId == projectId || s.ProjectId == null)
            .OrderBy(s => s.Name).ThenBy(s => s.ProjectId == null ? 2 : s.Environment == null ? 1 : 0).ThenBy(s => s.Environment)
            .Select(s => new SecretDto
            {
                Name = s.Name,
                Scope = s.ProjectId == null ? "instance" : s.Environment == null ? "project" : "environment",
                Environment = s.Environment, File = s.File, AllowForks = s.AllowForks, UpdatedBy = s.UpdatedBy,
                CreatedAt = s.CreatedAt, UpdatedAt = s.UpdatedAt,
            });
        return await PagedList<SecretDto>.CreateAsync(secrets, request.Page, request.PageSize, cancellationToken);
    }
}
