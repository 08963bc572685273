using Comet.Application.Common.Security;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Models;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Projects.Queries;

/// <summary>Projects in name order (ignoring case, the same on every database), one page at a time.</summary>
[RequiresSignIn]
public sealed record ListProjectsQuery : PagedQuery, IRequest<PagedList<ProjectDto>>
{
}

public sealed class ListProjectsValidator : PagedQueryValidator<ListProjectsQuery>;

/// <remarks>Admins see every project, other users the ones they are members of.</remarks>
public sealed class ListProjectsHandler(ICometDbContext db, ICurrentUser user) : IRequestHandler<ListProjectsQuery, PagedList<ProjectDto>>
{
    public Task<PagedList<ProjectDto>> Handle(ListProjectsQuery request, CancellationToken cancellationToken)
    {
        var projects = db.Projects.AsNoTracking().VisibleTo(db, user);
        return PagedList<ProjectDto>.CreateAsync(
            projects.OrderBy(p => p.NormalizedName).ThenBy(p => p.Id).Select(ProjectDto.Projection),
            request.Page, request.PageSize, cancellationToken);
    }
}
