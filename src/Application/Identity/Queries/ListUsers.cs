using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Models;
using Comet.Application.Common.Security;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Queries;

/// <summary>Every account, by username (ignoring case), one page at a time.</summary>
[RequiresAdmin]
public sealed record ListUsersQuery : PagedQuery, IRequest<PagedList<UserDto>>;

public sealed class ListUsersValidator : PagedQueryValidator<ListUsersQuery>;

public sealed class ListUsersHandler(ICometDbContext db) : IRequestHandler<ListUsersQuery, PagedList<UserDto>>
{
    public Task<PagedList<UserDto>> Handle(ListUsersQuery request, CancellationToken cancellationToken) =>
        PagedList<UserDto>.CreateAsync(db.Users.AsNoTracking().OrderBy(u => u.NormalizedUsername).ThenBy(u => u.Id).Select(UserDto.Projection),
            request.Page, request.PageSize, cancellationToken);
}
