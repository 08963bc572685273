using System.Text.Json.Serialization;
using Comet.Application.Common.Security;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Domain.Projects;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Projects.Commands;

/// <summary>Changes the fields that are given; a field left out keeps its value. The slug never changes.</summary>
[RequiresProjectRole(ProjectRole.Maintainer)]
public sealed record UpdateProjectCommand : IRequest<ProjectDto>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    /// <summary>From the route, never from the body.</summary>
    [JsonIgnore]
    public string Slug { get; init; } = "";
    public string? Name { get; init; }
    public string? RepoUrl { get; init; }
    public string? DefaultBranch { get; init; }
    public string? Forge { get; init; }
    public string? PipelineFile { get; init; }

    /// <summary>Which older runs a newer push cancels; default: non-default branches and pull requests.</summary>
    public AutoCancelSettings? AutoCancel { get; init; }
}

public sealed class UpdateProjectValidator : AbstractValidator<UpdateProjectCommand>
{
    public UpdateProjectValidator()
    {
        RuleFor(c => c.Name).ValidProjectName().When(c => c.Name is not null);
        RuleFor(c => c.RepoUrl).ValidRepoUrl().When(c => c.RepoUrl is not null);
        RuleFor(c => c.DefaultBranch).ValidBranchName();
        RuleFor(c => c.Forge).ValidForge();
        RuleFor(c => c.PipelineFile).ValidPipelineFile();
        RuleFor(c => c.AutoCancel).ValidAutoCancel();
    }
}

public sealed class UpdateProjectHandler(ICometDbContext db, TimeProvider clock) : IRequestHandler<UpdateProjectCommand, ProjectDto>
{
    public async Task<ProjectDto> Handle(UpdateProjectCommand request, CancellationToken cancellationToken)
    {
        var project = await db.Projects.FirstOrDefaultAsync(p => p.Slug == request.Slug, cancellationToken)
            ?? throw new NotFoundException("project", request.Slug);

        var name = request.Name?.Trim() ?? project.Name;
        if (Project.Normalize(name) != project.NormalizedName)
        {
            var normalized = Project.Normalize(name);
            if (await db.Projects.AnyAsync(p => p.Id != project.Id && p.NormalizedName == normalized, cancellationToken))
                throw new ConflictException($"A project named '{name}' already exists.");
        }

        project.Update(
            name,
            request.RepoUrl?.Trim() ?? project.RepoUrl,
            request.DefaultBranch ?? project.DefaultBranch,
            request.Forge is null ? project.Forge : CreateProjectHandler.ParseForge(request.Forge),
            request.PipelineFile ?? project.PipelineFile,
            clock.GetUtcNow().UtcDateTime);
        ProjectRules.ApplyAutoCancel(project, request.AutoCancel, project.UpdatedAt);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another request may have taken this name between the check above and the write.
            var normalized = project.NormalizedName;
            if (await db.Projects.AsNoTracking().AnyAsync(p => p.Id != project.Id && p.NormalizedName == normalized, cancellationToken))
                throw new ConflictException($"A project named '{name}' already exists.");
            throw;
        }
        return ProjectDto.From(project);
    }
}
