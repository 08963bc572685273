using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Projects;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;

namespace Comet.Application.Secrets.Commands;

/// <summary>Deletes a project's secret, or an environment's when <see cref="Environment"/> is given (maintainers).</summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record DeleteProjectSecretCommand : IRequest<Unit>, IProjectRequest
{
    public string Slug { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Environment { get; init; }

    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class DeleteProjectSecretValidator : AbstractValidator<DeleteProjectSecretCommand>
{
    public DeleteProjectSecretValidator()
    {
        RuleFor(c => c.Name).SecretName();
        RuleFor(c => c.Environment).EnvironmentName();
    }
}

public sealed class DeleteProjectSecretHandler(ICometDbContext db, SecretStore store) : IRequestHandler<DeleteProjectSecretCommand, Unit>
{
    public async Task<Unit> Handle(DeleteProjectSecretCommand request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        if (!await store.DeleteAsync(projectId, $"project:{request.Slug}", request.Name, request.Environment, cancellationToken))
            throw new NotFoundException(request.Environment is null ? "secret" : $"secret of environment '{request.Environment}'", request.Name);
        return Unit.Value;
    }
}
