using System.ComponentModel.DataAnnotations;
using Comet.Application.Common.Security;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Projects.Commands;

/// <summary>
/// [Required] marks what the API description lists as required; the validator enforces it, with its own words. The
/// members stay nullable so that a missing field reaches the validator instead of failing in the JSON reader.
/// </summary>
[RequiresSignIn]
public sealed record CreateProjectCommand : IRequest<CreatedProjectDto>
{
    [Required]
    public string? Name { get; init; }
    [Required]
    public string? RepoUrl { get; init; }
    public string? DefaultBranch { get; init; }
    public string? Forge { get; init; }
    public string? PipelineFile { get; init; }

    /// <summary>Which older runs a newer push cancels; default: non-default branches and pull requests.</summary>
    public AutoCancelSettings? AutoCancel { get; init; }
}

public sealed class CreateProjectValidator : AbstractValidator<CreateProjectCommand>
{
    public CreateProjectValidator()
    {
        RuleFor(c => c.Name).ValidProjectName();
        RuleFor(c => c.RepoUrl).ValidRepoUrl();
        RuleFor(c => c.DefaultBranch).ValidBranchName();
        RuleFor(c => c.Forge).ValidForge();
        RuleFor(c => c.PipelineFile).ValidPipelineFile();
        RuleFor(c => c.AutoCancel).ValidAutoCancel();
    }
}

public sealed class CreateProjectHandler(ICometDbContext db, TimeProvider clock, Identity.AuditTrail audit, ICurrentUser user)
    : IRequestHandler<CreateProjectCommand, CreatedProjectDto>
{
    public async Task<CreatedProjectDto> Handle(CreateProjectCommand request, CancellationToken cancellationToken)
    {
        var name = request.Name!.Trim();
        var slug = Slug.FromName(name);
        await EnsureNameAndSlugAreFree(name, slug, cancellationToken);

        var repoUrl = request.RepoUrl!.Trim();
        var forge = request.Forge is null ? ProjectRules.GuessForge(repoUrl) : ParseForge(request.Forge);
        var secret = ProjectRules.NewWebhookSecret();
        var project = new Project(name, slug, repoUrl, request.DefaultBranch ?? "main", forge,
            request.PipelineFile ?? Project.DefaultPipelineFile, secret, clock.GetUtcNow().UtcDateTime);
        ProjectRules.ApplyAutoCancel(project, request.AutoCancel, project.CreatedAt);

        db.Projects.Add(project);
        // Whoever creates a project owns it.
        ProjectMember? owner = user.UserId is { } creator ? new ProjectMember(project.Id, creator, ProjectRole.Owner, project.CreatedAt) : null;
        if (owner is not null) db.ProjectMembers.Add(owner);
        var recorded = audit.Record(Domain.Identity.AuditActions.ProjectCreated, target: $"project:{project.Slug}", detail: project.Name);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request took the name or slug between the check and the insert: the unique
            // indexes refused this one. Say so like the check would have; rethrow anything else.
            db.Projects.Remove(project);
            db.AuditEvents.Remove(recorded);
            if (owner is not null) db.ProjectMembers.Remove(owner);
            await EnsureNameAndSlugAreFree(name, slug, cancellationToken);
            throw;
        }

        return new CreatedProjectDto
        {
            Id = project.Id, Slug = project.Slug, Name = project.Name, RepoUrl = project.RepoUrl,
            DefaultBranch = project.DefaultBranch, Forge = project.Forge, PipelineFile = project.PipelineFile,
            CreatedAt = project.CreatedAt, UpdatedAt = project.UpdatedAt, WebhookSecret = secret,
            AutoCancel = new AutoCancelDto(project.AutoCancelBranches, project.AutoCancelPullRequests),
        };
    }

    private async Task EnsureNameAndSlugAreFree(string name, string slug, CancellationToken cancellationToken)
    {
        var normalized = Project.Normalize(name);
        var clash = await db.Projects.AsNoTracking()
            .Where(p => p.Slug == slug || p.NormalizedName == normalized)
            .Select(p => new { p.Name, p.Slug })
            .FirstOrDefaultAsync(cancellationToken);
        if (clash is null) return;
        throw new ConflictException(clash.Slug == slug && Project.Normalize(clash.Name) != Project.Normalize(name)
            ? $"The name '{name}' gives the URL name '{slug}', which project '{clash.Name}' already uses. Choose another name."
            : $"A project named '{clash.Name}' already exists.");
    }

    internal static Forge ParseForge(string value) =>
        ProjectRules.TryParseForge(value, out var forge) ? forge : throw new ArgumentException($"Unknown forge '{value}'.");
}
