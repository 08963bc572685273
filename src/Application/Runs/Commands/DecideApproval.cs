using System.Text.Json.Serialization;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Environments;
using Comet.Application.Identity;
using Comet.Application.Runs.Execution;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Runs.Commands;

/// <summary>
/// Approves or rejects a job waiting for approval, with a comment; for a <c>when: manual</c> job, approving is the
/// click that starts it. Each person decides once per job attempt. Enough approvals queue the job; a rejection ends it
/// (failed for a deploy that needed approval, skipped for a manual job nobody wants to run). Audited either way.
/// </summary>
[RequiresProjectRole(ProjectRole.Developer)]
public sealed record DecideApprovalCommand : IRequest<RunDto>, IRunRequest
{
    [JsonIgnore]
    public Guid RunId { get; init; }
    [JsonIgnore]
    public Guid JobId { get; init; }
    [JsonIgnore]
    public bool Approve { get; init; }
    public string? Comment { get; init; }
}

public sealed class DecideApprovalValidator : AbstractValidator<DecideApprovalCommand>
{
    public DecideApprovalValidator()
    {
        RuleFor(c => c.Comment).MaximumLength(JobApproval.MaxCommentLength)
            .WithMessage($"comment is at most {JobApproval.MaxCommentLength} characters.");
    }
}

public sealed class DecideApprovalHandler(ICometDbContext db, ICurrentUser user, AuditTrail audit, DispatchSignal dispatch, TimeProvider clock)
    : IRequestHandler<DecideApprovalCommand, RunDto>
{
    public async Task<RunDto> Handle(DecideApprovalCommand request, CancellationToken cancellationToken)
    {
        var run = await db.RunWithJobsAsync(request.RunId, tracked: true, cancellationToken);
        var job = run.Jobs.FirstOrDefault(j => j.Id == request.JobId) ?? throw new NotFoundException("job", request.JobId.ToString());
        var verb = request.Approve ? "approved" : "rejected";
        if (job.Status != JobStatus.WaitingForApproval)
            throw new ConflictException($"Job '{job.Name}' is {Domain.Common.StatusName.Of(job.Status)}; only a job waiting for approval can be {verb}.");
        await CheckMayDecideAsync(run, job, request.Approve, cancellationToken);

        var userId = user.UserId!.Value;
        var username = user.Username ?? userId.ToString();
        var given = await db.JobApprovals.Where(a => a.JobId == job.Id).ToListAsync(cancellationToken);
        if (given.FirstOrDefault(a => a.UserId == userId) is { } earlier)
            throw new ConflictException($"You already {(earlier.Approved ? "approved" : "rejected")} job '{job.Name}' of run #{run.Number}.");

        var now = clock.GetUtcNow().UtcDateTime;
        var decision = new JobApproval(job, userId, username, request.Approve, request.Comment, now);
        db.JobApprovals.Add(decision);
        if (!request.Approve)
            Reject(job, username, decision.Comment, now);
        else if (given.Count(a => a.Approved) + 1 >= job.ApprovalsRequired)
            job.Queue(now, await LockKeyAsync(run, job, cancellationToken));
        run.UpdateFromJobs(now);
        audit.Record(request.Approve ? EnvironmentAuditActions.Approved : EnvironmentAuditActions.Rejected,
            target: $"run:{run.Id}", detail: $"run #{run.Number} job '{job.Name}' attempt {job.Attempt}"
            + (job.EnvironmentName is { } environment ? $" (environment '{environment}')" : "")
            + (decision.Comment is { } comment ? $": {comment}" : ""));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique index on (job, person): the same person's second click landed at the same moment.
            throw new ConflictException($"You already decided on job '{job.Name}' of run #{run.Number}.");
        }
        dispatch.Notify();
        return await run.ToDtoAsync(db, cancellationToken);
    }

    /// <summary>
    /// Approvals that an environment or <c>approval: required</c> asks for are a maintainer's (admins may too); a plain
    /// manual job is any developer's to start. Where the rules say so, whoever caused the run may not approve its deploy.
    /// </summary>
    private async Task CheckMayDecideAsync(PipelineRun run, Job job, bool approve, CancellationToken cancellationToken)
    {
        if (job.ApprovalByMaintainers && !user.IsAdmin)
        {
            var role = await db.ProjectMembers.Where(m => m.ProjectId == run.ProjectId && m.UserId == user.UserId)
                .Select(m => (ProjectRole?)m.Role).FirstOrDefaultAsync(cancellationToken);
            if (role is not (>= ProjectRole.Maintainer))
                throw new ForbiddenException($"Job '{job.Name}' needs a maintainer's approval; you are {role?.ToString().ToLowerInvariant() ?? "not a member"}.");
        }
        if (approve && !job.SelfApprovalAllowed && RunAuthor.IsAuthor(run, user.Username))
            throw new ForbiddenException($"You triggered run #{run.Number}; "
                + $"{(job.EnvironmentName is { } environment ? $"environment '{environment}'" : "this job")} needs someone else's approval.");
    }

    private static void Reject(Job job, string username, string? comment, DateTime now)
    {
        var note = $"rejected by {username}{(comment is null ? "" : $": {comment}")}";
        if (job.ApprovalByMaintainers) job.MoveTo(JobStatus.Failed, now, note);
        else job.MoveTo(JobStatus.Skipped, now, $"not started: {note}");
    }

    private async Task<string?> LockKeyAsync(PipelineRun run, Job job, CancellationToken cancellationToken)
    {
        if (job.EnvironmentName is not { } name) return null;
        var environment = await db.Environments.AsNoTracking().FirstOrDefaultAsync(e => e.ProjectId == run.ProjectId && e.Name == name, cancellationToken);
        return DeployGate.LockKeyOf(job, run, environment);
    }
}
