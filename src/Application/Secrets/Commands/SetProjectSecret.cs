using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Projects;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;

namespace Comet.Application.Secrets.Commands;

/// <summary>
/// Creates or replaces a project's secret, or one environment's when <see cref="Environment"/> is given (maintainers).
/// The value is encrypted before it is stored and never returned.
/// </summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record SetProjectSecretCommand : IRequest<SecretDto>, IProjectRequest
{
    public string Slug { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Value { get; init; }

    /// <summary>Only jobs deploying to this environment get it; it wins over a project or instance secret of the same name.</summary>
    public string? Environment { get; init; }

    /// <summary>Give it to jobs as a 0600 file whose path is the variable's value.</summary>
    public bool File { get; init; }

    /// <summary>Jobs of pull requests from forks may use it (off: they fail when they ask for it).</summary>
    public bool AllowForks { get; init; }

    string? IProjectRequest.ProjectSlug => Slug;
}

public sealed class SetProjectSecretValidator : AbstractValidator<SetProjectSecretCommand>
{
    public SetProjectSecretValidator()
    {
        RuleFor(c => c.Name).SecretName();
        RuleFor(c => c.Value).SecretValue(c => c.File);
        RuleFor(c => c.Environment).EnvironmentName();
    }
}

public sealed class SetProjectSecretHandler(ICometDbContext db, SecretStore store) : IRequestHandler<SetProjectSecretCommand, SecretDto>
{
    public async Task<SecretDto> Handle(SetProjectSecretCommand request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        return await store.SetAsync(projectId, $"project:{request.Slug}", request.Name, request.Environment, request.Value!,
            request.File, request.AllowForks, cancellationToken);
    }
}
