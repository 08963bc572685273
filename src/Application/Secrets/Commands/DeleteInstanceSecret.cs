using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Security;
using FluentValidation;
using MediatR;

namespace Comet.Application.Secrets.Commands;

[RequiresAdmin]
public sealed record DeleteInstanceSecretCommand(string Name) : IRequest<Unit>;

public sealed class DeleteInstanceSecretValidator : AbstractValidator<DeleteInstanceSecretCommand>
{
    public DeleteInstanceSecretValidator() => RuleFor(c => c.Name).SecretName();
}

public sealed class DeleteInstanceSecretHandler(SecretStore store) : IRequestHandler<DeleteInstanceSecretCommand, Unit>
{
    public async Task<Unit> Handle(DeleteInstanceSecretCommand request, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(null, "instance", request.Name, null, cancellationToken))
            throw new NotFoundException("instance secret", request.Name);
        return Unit.Value;
    }
}
