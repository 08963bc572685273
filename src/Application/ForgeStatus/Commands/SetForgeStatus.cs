using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Identity;
using Comet.Application.Outbound;
using Comet.Application.Projects;
using Comet.Domain.Outbound;
using Comet.Domain.Projects;
using Comet.Domain.Secrets;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comet.Application.ForgeStatus.Commands;

/// <summary>
/// Sets how a project reports its runs to its forge (a PUT: fields left out go back to their defaults). The token is
/// named, not given: tokenSecret is a project (or instance) secret, read when each status is sent.
/// </summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record SetForgeStatusCommand : IRequest<ForgeStatusDto>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    [JsonIgnore]
    public string Slug { get; init; } = "";

    /// <summary>The forge's API root; default GitHub https://api.github.com, GitLab https://gitlab.com/api/v4; Gitea: required.</summary>
    public string? ApiUrl { get; init; }
    public string? TokenSecret { get; init; }
    public bool? PerJob { get; init; }

    /// <summary>"owner/repo" on the forge; default: read from the project's repoUrl.</summary>
    public string? Repository { get; init; }
}

public sealed partial class SetForgeStatusValidator : AbstractValidator<SetForgeStatusCommand>
{
    public SetForgeStatusValidator(IOptions<OutboundOptions> outbound)
    {
        RuleFor(c => c.TokenSecret).Must(Secret.IsValidName)
            .WithMessage("tokenSecret is the name of a project secret holding the forge token (A-Z, 0-9 and _, not starting with a digit).");
        RuleFor(c => c.ApiUrl)
            .Must(u => u is null || u.Length <= ForgeStatusSetting.MaxApiUrlLength)
            .WithMessage($"apiUrl is at most {ForgeStatusSetting.MaxApiUrlLength} characters.")
            .Must(u => u is null || OutboundAddressRules.CheckUrl(u, outbound.Value.AllowPrivateAddresses, "apiUrl") is null)
            .WithMessage(c => OutboundAddressRules.CheckUrl(c.ApiUrl, outbound.Value.AllowPrivateAddresses, "apiUrl"));
        RuleFor(c => c.Repository).Must(r => r is null || (r.Length <= ForgeStatusSetting.MaxRepositoryLength && RepositoryPattern().IsMatch(r)))
            .WithMessage("repository is the path of the repository on the forge, e.g. acme/shop-api (GitLab: group/subgroup/project).");
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$")]
    private static partial Regex RepositoryPattern();
}

public sealed class SetForgeStatusHandler(ICometDbContext db, ICurrentUser user, AuditTrail audit, TimeProvider clock)
    : IRequestHandler<SetForgeStatusCommand, ForgeStatusDto>
{
    public async Task<ForgeStatusDto> Handle(SetForgeStatusCommand request, CancellationToken cancellationToken)
    {
        var projectId = await db.ProjectIdAsync(request.Slug, cancellationToken);
        var project = await db.Projects.FirstAsync(p => p.Id == projectId, cancellationToken);
        var problems = new List<string>();
        if (project.Forge == Forge.Generic)
            problems.Add("the project's forge is generic: set it to github, gitlab or gitea (PUT /api/v1/projects/{slug}) before reporting statuses");
        else if (request.ApiUrl is null && ForgeTarget.DefaultApi(project.Forge) is null)
            problems.Add($"apiUrl is required for {ForgeStatusRequests.ForgeName(project.Forge)}: it has no public API (e.g. https://gitea.example.com/api/v1)");
        if (request.Repository is null && ForgeTarget.RepositoryOf(project.RepoUrl) is null)
            problems.Add($"repository is required: it cannot be read from the project's repoUrl '{project.RepoUrl}' (give e.g. acme/shop-api)");
        var name = request.TokenSecret!;
        var secretExists = await db.Secrets.AnyAsync(s => s.Name == name && s.Environment == null && (s.ProjectId == projectId || s.ProjectId == null), cancellationToken);
        if (!secretExists)
            problems.Add($"tokenSecret '{name}' is not a secret of this project or the instance: set it first with PUT /api/v1/projects/{request.Slug}/secrets/{name}");
        if (problems.Count > 0)
            throw new ValidationException(problems.Select(p => new FluentValidation.Results.ValidationFailure("", p)));

        var now = clock.GetUtcNow().UtcDateTime;
        var setting = await db.ForgeStatusSettings.FirstOrDefaultAsync(s => s.ProjectId == projectId, cancellationToken);
        if (setting is null)
        {
            setting = new ForgeStatusSetting(projectId, now);
            db.ForgeStatusSettings.Add(setting);
        }
        setting.Set(request.ApiUrl?.TrimEnd('/'), name, request.PerJob ?? false, request.Repository, user.Username, now);
        audit.Record(ForgeStatusAuditActions.Set, target: $"project:{request.Slug}",
            detail: $"{ForgeStatusRequests.ForgeName(project.Forge)} at {setting.ApiUrl ?? ForgeTarget.DefaultApi(project.Forge)}, token from secret {name}"
                    + (setting.PerJob ? ", per job" : "") + (setting.Repository is { } r ? $", repository {r}" : ""));
        await db.SaveChangesAsync(cancellationToken);
        return await ForgeStatusReading.ToDtoAsync(db, project, setting, cancellationToken);
    }
}
