using System.ComponentModel.DataAnnotations;
using Comet.Application.Common.Validation;
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
    [Required]
    public string? Username { get; init; }
    [Required]
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
        RuleFor(c => c.Username).ValidUsername();
        RuleFor(c => c.Password).ValidNewPassword();
        RuleFor(c => c.Email).EmailAddress().MaximumLength(256).When(c => c.Email is not null);
        RuleFor(c => c.DisplayName).MaximumLength(128).PlainDisplayText();
        RuleFor(c => c.Role).Must(r => r is null or "user" or "admin").WithMessage("'Role' is 'user' or 'admin'.");
    }
}

public static class AccountRules
{
    public static IRuleBuilderOptions<T, string?> ValidUsername<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().MaximumLength(64).PlainDisplayText()
            .Matches("^[A-Za-z0-9][A-Za-z0-9._-]*$").WithMessage("'Username' may hold letters, digits, '.', '_' and '-', and starts with a letter or digit.");

    public static IRuleBuilderOptions<T, string?> ValidNewPassword<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().MinimumLength(12).MaximumLength(1024);
}

public sealed class CreateUserHandler(UserAccounts accounts) : IRequestHandler<CreateUserCommand, UserDto>
{
    public Task<UserDto> Handle(CreateUserCommand request, CancellationToken cancellationToken) =>
        accounts.CreateAsync(request.Username!, request.Password!, request.Email, request.DisplayName,
            request.Role == "admin" ? SystemRole.Admin : SystemRole.User, cancellationToken);
}

/// <summary>Making an account, whoever asks for it (an admin, or the person at an open registration).</summary>
public sealed class UserAccounts(ICometDbContext db, IPasswordHasher hasher, TimeProvider clock, AuditTrail audit)
{
    public async Task<UserDto> CreateAsync(string username, string password, string? email, string? displayName, SystemRole role,
        CancellationToken cancellationToken)
    {
        username = username.Trim();
        var normalized = User.Normalize(username);
        if (await db.Users.AnyAsync(u => u.NormalizedUsername == normalized, cancellationToken))
            throw new ConflictException($"The username '{username}' is taken.");

        var user = new User(username, email, displayName, role, clock.GetUtcNow().UtcDateTime);
        user.SetPasswordHash(hasher.Hash(user, password));
        db.Users.Add(user);
        audit.Record(AuditActions.UserCreated, target: $"user:{user.Username}", detail: role == SystemRole.Admin ? "admin" : "user");
        await db.SaveChangesAsync(cancellationToken);
        return UserDto.Of(user);
    }
}
