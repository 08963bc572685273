using System.Linq.Expressions;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Queries;

/// <summary>An account as the API shows it (to its owner, and to admins in the user list): never a password or token hash.</summary>
public sealed record UserDto
{
    public required Guid Id { get; init; }
    public required string Username { get; init; }
    public string? Email { get; init; }
    public required string DisplayName { get; init; }
    public required SystemRole Role { get; init; }
    public required DateTime CreatedAt { get; init; }

    /// <summary>An admin reset the password: until the user picks one of their own, the account may only do that.</summary>
    public bool MustChangePassword { get; init; }
    public DateTime? PasswordChangedAt { get; init; }

    /// <summary>Translated by EF into the columns it needs; <see cref="Of"/> is the same for a user in memory.</summary>
    public static readonly Expression<Func<User, UserDto>> Projection = u => new UserDto
    {
        Id = u.Id, Username = u.Username, Email = u.Email, DisplayName = u.DisplayName, Role = u.Role, CreatedAt = u.CreatedAt,
        MustChangePassword = u.MustChangePassword, PasswordChangedAt = u.PasswordChangedAt,
    };

    private static readonly Func<User, UserDto> Compiled = Projection.Compile();

    public static UserDto Of(User user) => Compiled(user);
}

/// <summary>The signed-in user, from the subject of their token.</summary>
public sealed record GetMeQuery(Guid UserId) : IRequest<UserDto>;

public sealed class GetMeHandler(ICometDbContext db) : IRequestHandler<GetMeQuery, UserDto>
{
    public async Task<UserDto> Handle(GetMeQuery request, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking()
            .Where(u => u.Id == request.UserId)
            .Select(UserDto.Projection)
            .FirstOrDefaultAsync(cancellationToken)
        ?? throw new NotFoundException("user", request.UserId.ToString());
}
