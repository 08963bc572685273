using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Common.Security;
using Comet.Application.Common.Validation;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Events.Queries;

/// <summary>
/// Who may watch what: a stream carries the events of the projects the caller is a member of (admins: all), narrowed
/// to one project (<c>?project=</c>) or one run (<c>?run=</c>). Asked again while a stream is open, so a member who
/// is removed stops seeing the project's events. A project or run the caller may not see is 404, as elsewhere.
/// </summary>
[RequiresSignIn]
public sealed record OpenEventStreamQuery : IRequest<EventStreamScope>
{
    public string? Project { get; init; }
    public Guid? RunId { get; init; }
}

public sealed class OpenEventStreamValidator : AbstractValidator<OpenEventStreamQuery>
{
    public OpenEventStreamValidator()
    {
        RuleFor(q => q.Project).MaximumLength(200).PlainDisplayText();
    }
}

public sealed class OpenEventStreamHandler(ICometDbContext db, ICurrentUser user) : IRequestHandler<OpenEventStreamQuery, EventStreamScope>
{
    public async Task<EventStreamScope> Handle(OpenEventStreamQuery request, CancellationToken cancellationToken)
    {
        var everything = user.IsSystem || user.IsAdmin;
        Guid? projectId = null;
        if (request.Project is { } slug)
        {
            projectId = await db.Projects.Where(p => p.Slug == slug).Select(p => (Guid?)p.Id).FirstOrDefaultAsync(cancellationToken);
            if (projectId is null || !(everything || await IsMemberAsync(projectId.Value, cancellationToken)))
                throw new NotFoundException("project", slug);
        }
        if (request.RunId is { } runId)
        {
            var runProject = await db.Runs.Where(r => r.Id == runId).Select(r => (Guid?)r.ProjectId).FirstOrDefaultAsync(cancellationToken);
            if (runProject is null || (projectId is not null && runProject != projectId)
                || !(everything || await IsMemberAsync(runProject.Value, cancellationToken)))
                throw new NotFoundException("run", runId.ToString());
            projectId = runProject;
        }

        if (everything) return new EventStreamScope(true, new HashSet<Guid>(), projectId, request.RunId);
        if (projectId is { } one) return new EventStreamScope(false, new HashSet<Guid> { one }, projectId, request.RunId);
        var mine = await db.ProjectMembers.Where(m => m.UserId == user.UserId).Select(m => m.ProjectId).ToListAsync(cancellationToken);
        return new EventStreamScope(false, mine.ToHashSet(), null, request.RunId);
    }

    private Task<bool> IsMemberAsync(Guid projectId, CancellationToken cancellationToken) =>
        db.ProjectMembers.AnyAsync(m => m.ProjectId == projectId && m.UserId == user.UserId, cancellationToken);
}
