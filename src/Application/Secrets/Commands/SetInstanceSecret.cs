using Comet.Application.Common.Security;
using FluentValidation;
using MediatR;

namespace Comet.Application.Secrets.Commands;

/// <summary>Creates or replaces a secret every project's jobs may name (admins). A project's secret of the same name wins.</summary>
[RequiresAdmin]
public sealed record SetInstanceSecretCommand : IRequest<SecretDto>
{
    public string Name { get; init; } = "";
    public string? Value { get; init; }
    public bool File { get; init; }
    public bool AllowForks { get; init; }
}

public sealed class SetInstanceSecretValidator : AbstractValidator<SetInstanceSecretCommand>
{
    public SetInstanceSecretValidator()
    {
        RuleFor(c => c.Name).SecretName();
        RuleFor(c => c.Value).SecretValue(c => c.File);
    }
}

public sealed class SetInstanceSecretHandler(SecretStore store) : IRequestHandler<SetInstanceSecretCommand, SecretDto>
{
    public Task<SecretDto> Handle(SetInstanceSecretCommand request, CancellationToken cancellationToken) =>
        store.SetAsync(null, "instance", request.Name, null, request.Value!, request.File, request.AllowForks, cancellationToken);
}
