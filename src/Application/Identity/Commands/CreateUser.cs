using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Identity.Queries;
using Comet.Domain.Identity;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Identity.Commands;

/// <summary>An admin creates an account (registration is by admins).</summary>
[RequiresAdmin]
public sealed record CreateUserCommand : IRequest<UserDto>
{
    public string? Username { get; init; }
    public string? Password { get; init; }
    public string? Email { get; init; }
    public string? DisplayName { get; init; }

    /// <summary>"user" (default) or "admin".</summary>
    public string? Role { get; init; }
}

public sealed class CreateUserValidator : AbstractValidator<CreateUserCommand>
{
    public CreateUserValidator()
    {
        RuleFor(c => c.Username).NotEmpty().MaximumLength(64)
            .Matches("^[A-Za-z0-9][A-Za-z0-9._-]*$").WithMessage("'Username' may hold letters, digits, '.', '_' and '-', and starts with a letter or digit.");
        RuleFor(c => c.Password).NotEmpty().MinimumLength(12).MaximumLength(1024);
        RuleFor(c => c.Email).EmailAddress().MaximumLength(256).When(c => c.Email is not null);
        RuleFor(c => c.DisplayName).MaximumLength(128);
        RuleFor(c => c.Role).Must(r => r is null or "user" or "admin").WithMessage("'Role' is 'user' or 'admin'.");
    }
}

public sealed class CreateUserHandler(ICometDbContext db, IPasswordHasher hasher, TimeProvider clock, AuditTrail audit)
    : IRequestHandler<CreateUserCommand, UserDto>
{
    public async Task<UserDto> Handle(CreateUserCommand request, CancellationToken cancellationToken)
    {
        var username = request.Username!.Trim();
        var normalized = User.Normalize(username);
        if (await db.Users.AnyAsync(u => u.NormalizedUsername == normalized, cancellationToken))
            throw new ConflictException($"The username '{username}' is taken.");

        var user = new User(username, request.Email, request.DisplayName, request.Role == "admin" ? SystemRole.Admin : SystemRole.User,
            clock.GetUtcNow().UtcDateTime);
        user.SetPasswordHash(hasher.Hash(user, request.Password!));
        db.Users.Add(user);
        audit.Record(AuditActions.UserCreated, target: $"user:{user.Username}", detail: user.Role == SystemRole.Admin ? "admin" : "user");
        await db.SaveChangesAsync(cancellationToken);
        return new UserDto { Id = user.Id, Username = user.Username, Email = user.Email, DisplayName = user.DisplayName, Role = user.Role, CreatedAt = user.CreatedAt };
    }
}
