using System.ComponentModel.DataAnnotations;
using Comet.Application.Common.Validation;
using Comet.Application.Common.Exceptions;
using Comet.Application.Identity.Queries;
using Comet.Domain.Identity;
using FluentValidation;
using MediatR;
using Microsoft.Extensions.Options;

namespace Comet.Application.Identity.Commands;

/// <summary>Settings under "Identity:Registration".</summary>
public sealed class RegistrationOptions
{
    public const string Section = "Identity:Registration";

    /// <summary>Off by default: admins create accounts. On: anyone who reaches Comet may make one (role user).</summary>
    public bool Open { get; set; }
}

/// <summary>Someone makes their own account, when registration is open.</summary>
public sealed record RegisterCommand : IRequest<UserDto>
{
    [Required]
    public string? Username { get; init; }
    [Required]
    public string? Password { get; init; }
    public string? Email { get; init; }
    public string? DisplayName { get; init; }
}

public sealed class RegisterValidator : AbstractValidator<RegisterCommand>
{
    public RegisterValidator()
    {
        RuleFor(c => c.Username).ValidUsername();
        RuleFor(c => c.Password).ValidNewPassword();
        RuleFor(c => c.Email).EmailAddress().MaximumLength(256).When(c => c.Email is not null);
        RuleFor(c => c.DisplayName).MaximumLength(128).PlainDisplayText();
    }
}

public sealed class RegisterHandler(UserAccounts accounts, IOptions<RegistrationOptions> options) : IRequestHandler<RegisterCommand, UserDto>
{
    public Task<UserDto> Handle(RegisterCommand request, CancellationToken cancellationToken)
    {
        if (!options.Value.Open)
            throw new ForbiddenException("Registration is closed: an administrator creates accounts (POST /api/v1/admin/users).");
        return accounts.CreateAsync(request.Username!, request.Password!, request.Email, request.DisplayName, SystemRole.User, cancellationToken);
    }
}
