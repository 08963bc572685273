using Comet.Application.Common.Validation;
using Comet.Domain.Projects;
using Comet.Application.Common.Security;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Git;
using Comet.Application.Common.Interfaces;
using Comet.Application.Pipelines;
using Comet.Application.Runs.Execution;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Comet.Application.Runs.Commands;

/// <summary>A manual run of a branch (the project's default when none is given), optionally at a given commit.</summary>
[RequiresProjectRole(ProjectRole.Developer)]
public sealed record TriggerRunCommand : IRequest<RunDto>, IProjectRequest
{
    string? IProjectRequest.ProjectSlug => Slug;

    public string Slug { get; init; } = "";
    public string? Ref { get; init; }
    public string? Sha { get; init; }
    public Dictionary<string, string>? Variables { get; init; }
}

public sealed class TriggerRunValidator : AbstractValidator<TriggerRunCommand>
{
    public TriggerRunValidator(IOptions<PipelineOptions> options)
    {
        var limits = options.Value;
        RuleFor(c => c.Ref).Custom((gitRef, context) =>
        {
            if (gitRef is not null && GitRefName.Problem(gitRef) is { } problem)
                context.AddFailure($"Ref '{GitRefName.Shown(gitRef)}' must be a branch name or a full ref such as refs/tags/v1.0; it {problem}.");
        });
        RuleFor(c => c.Sha).Matches("^[0-9a-fA-F]{7,64}$").When(c => c.Sha is not null)
            .WithMessage("Sha must be a commit id (7 to 64 hex characters).");
        // The same limits as variables in the pipeline file: these are copied into every job of the run too.
        RuleFor(c => c.Variables).WithinVariableLimits(limits, "run");
    }
}

public sealed class TriggerRunHandler(ICometDbContext db, RunPlanner planner, DispatchSignal dispatch, ICurrentUser currentUser) : IRequestHandler<TriggerRunCommand, RunDto>
{
    public async Task<RunDto> Handle(TriggerRunCommand request, CancellationToken cancellationToken)
    {
        var project = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Slug == request.Slug, cancellationToken)
            ?? throw new NotFoundException("project", request.Slug);
        var gitRef = request.Ref ?? project.DefaultBranch;
        var fullRef = gitRef.StartsWith("refs/", StringComparison.Ordinal) ? gitRef : "refs/heads/" + gitRef;
        var trigger = new RunTrigger("manual", fullRef, request.Sha,
            Branch: fullRef.StartsWith("refs/heads/", StringComparison.Ordinal) ? fullRef["refs/heads/".Length..] : null,
            Tag: fullRef.StartsWith("refs/tags/", StringComparison.Ordinal) ? fullRef["refs/tags/".Length..] : null,
            Variables: request.Variables, TriggeredBy: currentUser.Username);

        // A manual run always runs: the pipeline's when: filters are for events from the forge.
        var plan = await planner.PlanAsync(project, trigger, applyPipelineWhen: false, cancellationToken);
        db.Runs.Add(plan.Run!);
        await planner.SaveNewRunAsync(plan.Run!, cancellationToken);
        dispatch.Notify();
        return plan.Run!.ToDto(project.Slug, await QueueExplainer.ExplainAsync(db, plan.Run!, approvals: null, cancellationToken));
    }
}
