using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Models;
using Comet.Application.Common.Security;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Secrets.Queries;

/// <summary>The instance's secrets by name, never by value (admins).</summary>
[RequiresAdmin]
public sealed record ListInstanceSecretsQuery : PagedQuery, IRequest<PagedList<SecretDto>>
{
}

public sealed class ListInstanceSecretsValidator : PagedQueryValidator<ListInstanceSecretsQuery>;

public sealed class ListInstanceSecretsHandler(ICometDbContext db) : IRequestHandler<ListInstanceSecretsQuery, PagedList<SecretDto>>
{
    public Task<PagedList<SecretDto>> Handle(ListInstanceSecretsQuery request, CancellationToken cancellationToken)
    {
        var secrets = db.Secrets.AsNoTracking().Where(s => s.ProjectId == null).OrderBy(s => s.Name)
            .Select(s => new SecretDto
            {
                Name = s.Name, Scope = "instance", File = s.File, AllowForks = s.AllowForks, UpdatedBy = s.UpdatedBy,
                CreatedAt = s.CreatedAt, UpdatedAt = s.UpdatedAt,
            });
        return PagedList<SecretDto>.CreateAsync(secrets, request.Page, request.PageSize, cancellationToken);
    }
}
