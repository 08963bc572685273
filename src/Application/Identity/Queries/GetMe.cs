using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Queries;

public sealed record UserDto
{
    public required Guid Id { get; init; }
    public required string Username { get; init; }
    public string? Email { get; init; }
    public required string DisplayName { get; init; }
    public required SystemRole Role { get; init; }
    public required DateTime CreatedAt { get; init; }
}

/// <summary>The signed-in user, from the subject of their token.</summary>
public sealed record GetMeQuery(Guid UserId) : IRequest<UserDto>;

public sealed class GetMeHandler(ICometDbContext db) : IRequestHandler<GetMeQuery, UserDto>
{
    public async Task<UserDto> Handle(GetMeQuery request, CancellationToken cancellationToken) =>
        await db.Users.AsNoTracking()
            .Where(u => u.Id == request.UserId)
            .Select(u => new UserDto
            {
                Id = u.Id, Username = u.Username, Email = u.Email, DisplayName = u.DisplayName, Role = u.Role, CreatedAt = u.CreatedAt,
            })
            .FirstOrDefaultAsync(cancellationToken)
        ?? throw new NotFoundException("user", request.UserId.ToString());
}
