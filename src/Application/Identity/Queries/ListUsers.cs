using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Models;
using Comet.Application.Common.Security;
using Comet.Domain.Identity;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Queries;

/// <summary>An account as an administrator sees it in a list: never a password or token hash.</summary>
public sealed record AdminUserDto
{
    public required Guid Id { get; init; }
    public required string Username { get; init; }
    public required string DisplayName { get; init; }
    public string? Email { get; init; }
    public required SystemRole Role { get; init; }
    public required DateTime CreatedAt { get; init; }

    /// <summary>An admin reset the password: until the user picks one of their own, the account may only do that.</summary>
    public required bool MustChangePassword { get; init; }
    public DateTime? PasswordChangedAt { get; init; }
}

/// <summary>Every account, by username (ignoring case), one page at a time.</summary>
[RequiresAdmin]
public sealed record ListUsersQuery : PagedQuery, IRequest<PagedList<AdminUserDto>>;

public sealed class ListUsersValidator : PagedQueryValidator<ListUsersQuery>;

public sealed class ListUsersHandler(ICometDbContext db) : IRequestHandler<ListUsersQuery, PagedList<AdminUserDto>>
{
    public Task<PagedList<AdminUserDto>> Handle(ListUsersQuery request, CancellationToken cancellationToken) =>
        PagedList<AdminUserDto>.CreateAsync(
            db.Users.AsNoTracking().OrderBy(u => u.NormalizedUsername).Select(u => new AdminUserDto
            {
                Id = u.Id,
                Username = u.Username,
                DisplayName = u.DisplayName,
                Email = u.Email,
                Role = u.Role,
                CreatedAt = u.CreatedAt,
                MustChangePassword = u.MustChangePassword,
                PasswordChangedAt = u.PasswordChangedAt,
            }),
            request.Page, request.PageSize, cancellationToken);
}
