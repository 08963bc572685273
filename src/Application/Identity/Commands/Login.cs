using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Identity;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Commands;

public sealed record LoginCommand : IRequest<TokenPairDto>
{
    [Required]
    public string? Username { get; init; }
    [Required]
    public string? Password { get; init; }

    /// <summary>For browsers: the refresh token comes in an HttpOnly cookie (set by the endpoint), not in the answer's body.</summary>
    public bool RefreshTokenInCookie { get; init; }

    /// <summary>Set by the endpoint: the client's address, for throttling repeated failures.</summary>
    [JsonIgnore]
    public string? ClientAddress { get; init; }
}

public sealed class LoginValidator : AbstractValidator<LoginCommand>
{
    public LoginValidator()
    {
        RuleFor(c => c.Username).NotEmpty().MaximumLength(64);
        RuleFor(c => c.Password).NotEmpty().MaximumLength(1024);
    }
}

public sealed class LoginHandler(ICometDbContext db, IPasswordHasher hasher, TokenPairs tokens, LoginThrottle throttle, AuditTrail audit)
    : IRequestHandler<LoginCommand, TokenPairDto>
{
    /// <summary>The same words for an unknown user and a wrong password: a login must not reveal who exists.</summary>
    public const string Refusal = "Wrong username or password.";

    public async Task<TokenPairDto> Handle(LoginCommand request, CancellationToken cancellationToken)
    {
        var normalized = User.Normalize(request.Username!);
        TimeSpan delay;
        try
        {
            delay = throttle.Admit(normalized, request.ClientAddress);
        }
        catch (TooManyAttemptsException)
        {
            audit.Record(AuditActions.LoginRefused, actorName: request.Username, detail: "too many failed sign-ins");
            await db.SaveChangesAsync(cancellationToken);
            throw;
        }
        if (delay > TimeSpan.Zero) await Task.Delay(delay, cancellationToken);

        var user = await db.Users.FirstOrDefaultAsync(u => u.NormalizedUsername == normalized, cancellationToken);
        if (user?.PasswordHash is null || !hasher.Verify(user, user.PasswordHash, request.Password!))
        {
            throttle.Failed(normalized, request.ClientAddress);
            audit.Record(AuditActions.LoginFailed, actorId: user?.Id, actorName: request.Username,
                detail: user is null ? "no such user" : "wrong password");
            await db.SaveChangesAsync(cancellationToken);
            throw new UnauthorizedException(Refusal);
        }
        throttle.Succeeded(normalized, request.ClientAddress);
        audit.Record(AuditActions.LoginSucceeded, actorId: user.Id, actorName: user.Username);

        var pair = tokens.Issue(user, familyId: Guid.CreateVersion7());
        await db.SaveChangesAsync(cancellationToken);
        return pair;
    }
}
