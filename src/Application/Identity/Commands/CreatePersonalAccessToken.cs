using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Comet.Application.Common.Validation;
using System.Security.Cryptography;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Domain.Identity;
using FluentValidation;
using MediatR;

namespace Comet.Application.Identity.Commands;

[RequiresSignIn]
public sealed record CreatePersonalAccessTokenCommand : IRequest<CreatedPersonalAccessTokenDto>
{
    /// <summary>Set by the endpoint from the caller's token, never from the body.</summary>
    [JsonIgnore]
    public Guid UserId { get; init; }
    [Required]
    public string? Name { get; init; }

    /// <summary>Days until it expires (1–365); default 30.</summary>
    public int? ExpiresInDays { get; init; }
    [Required]
    public IReadOnlyList<string>? Scopes { get; init; }
}

public sealed record CreatedPersonalAccessTokenDto
{
    public required Guid Id { get; init; }
    public required string Name { get; init; }

    /// <summary>The token itself, shown this once.</summary>
    public required string Token { get; init; }
    public required IReadOnlyList<string> Scopes { get; init; }
    public required DateTime CreatedAt { get; init; }
    public DateTime? ExpiresAt { get; init; }
}

public sealed class CreatePersonalAccessTokenValidator : AbstractValidator<CreatePersonalAccessTokenCommand>
{
    public CreatePersonalAccessTokenValidator()
    {
        RuleFor(c => c.Name).NotEmpty().MaximumLength(100).PlainDisplayText();
        RuleFor(c => c.ExpiresInDays).InclusiveBetween(1, 365);
        RuleFor(c => c.Scopes).NotEmpty().WithMessage("'Scopes' must name at least one of read, write, admin.");
        RuleForEach(c => c.Scopes).Must(s => PersonalAccessToken.KnownScopes.Contains(s))
            .WithMessage((_, scope) => $"'{scope}' is not a scope; use read, write or admin.");
    }
}

public sealed class CreatePersonalAccessTokenHandler(ICometDbContext db, TimeProvider clock, AuditTrail audit, ICurrentUser user)
    : IRequestHandler<CreatePersonalAccessTokenCommand, CreatedPersonalAccessTokenDto>
{
    public const string Prefix = "cpat_";

    public async Task<CreatedPersonalAccessTokenDto> Handle(CreatePersonalAccessTokenCommand request, CancellationToken cancellationToken)
    {
        // A token must not mint tokens: a read-only token could otherwise make itself a write or admin one.
        if (user.Scopes is not null)
            throw new ForbiddenException("Personal access tokens are made from a signed-in session (POST /auth/login), not with another token.");
        var now = clock.GetUtcNow().UtcDateTime;
        var secret = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var token = new PersonalAccessToken(request.UserId, request.Name!.Trim(), SecretHash.Of(secret), secret[..12],
            request.Scopes!, now, now.AddDays(request.ExpiresInDays ?? 30));
        db.PersonalAccessTokens.Add(token);
        audit.Record(AuditActions.TokenCreated, target: $"token:{token.Id}", detail: $"{token.Name} ({token.Scopes})", actorId: request.UserId);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedPersonalAccessTokenDto
        {
            Id = token.Id, Name = token.Name, Token = secret, Scopes = token.Scopes.Split(' '), CreatedAt = token.CreatedAt, ExpiresAt = token.ExpiresAt,
        };
    }
}
