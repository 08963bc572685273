using Comet.Application.Common.Interfaces;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Queries;

public sealed record PersonalAccessTokenDto
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }

    /// <summary>The start of the token ("cpat_1a2b3c4"), never the whole secret.</summary>
    public required string Prefix { get; init; }
    public required IReadOnlyList<string> Scopes { get; init; }
    public required DateTime CreatedAt { get; init; }
    public DateTime? ExpiresAt { get; init; }
    public DateTime? LastUsedAt { get; init; }
    public DateTime? RevokedAt { get; init; }
}

/// <summary>The caller's tokens, newest first, without their secrets.</summary>
public sealed record ListPersonalAccessTokensQuery(Guid UserId) : IRequest<IReadOnlyList<PersonalAccessTokenDto>>;

public sealed class ListPersonalAccessTokensHandler(ICometDbContext db)
    : IRequestHandler<ListPersonalAccessTokensQuery, IReadOnlyList<PersonalAccessTokenDto>>
{
    public async Task<IReadOnlyList<PersonalAccessTokenDto>> Handle(ListPersonalAccessTokensQuery request, CancellationToken cancellationToken)
    {
        var tokens = await db.PersonalAccessTokens.AsNoTracking()
            .Where(t => t.UserId == request.UserId)
            .OrderByDescending(t => t.CreatedAt)
            .ToListAsync(cancellationToken);
        return tokens.Select(t => new PersonalAccessTokenDto
        {
            Id = t.Id, Name = t.Name, Prefix = t.DisplayPrefix, Scopes = t.Scopes.Split(' '), CreatedAt = t.CreatedAt,
            ExpiresAt = t.ExpiresAt, LastUsedAt = t.LastUsedAt, RevokedAt = t.RevokedAt,
        }).ToList();
    }
}
