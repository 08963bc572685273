namespace Comet.Application.Events;

/// <summary>One event of the live log as the stream sends it: <c>id:</c>, <c>event:</c> and <c>data:</c> (the JSON object).</summary>
public sealed record LiveEventDto(long Id, string Type, Guid? ProjectId, Guid? RunId, DateTime CreatedAt, string Data);

/// <summary>
/// What one stream may carry: the caller's projects (all of them, and instance-wide events, for an admin), narrowed to
/// one project or one run when asked.
/// </summary>
/// <param name="AllProjects">An admin without a project filter: every event, including those of no project.</param>
/// <param name="Projects">The projects whose events the caller may see (ignored when <paramref name="AllProjects"/>).</param>
public sealed record EventStreamScope(bool AllProjects, IReadOnlySet<Guid> Projects, Guid? ProjectId, Guid? RunId)
{
    public bool Admits(LiveEventDto e) =>
        (RunId is null || e.RunId == RunId)
        && (ProjectId is null || e.ProjectId == ProjectId)
        && (AllProjects || (e.ProjectId is { } project && Projects.Contains(project)));
}
