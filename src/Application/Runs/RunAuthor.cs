using Comet.Domain.Runs;

namespace Comet.Application.Runs;

/// <summary>
/// Whether a user is the one who caused a run, for "no self-approval": the Comet user who started it by hand, or the
/// Comet user whose name is the forge login that pushed or opened the pull request (names compared ignoring case, as
/// GitHub, GitLab and Gitea logins are). A run with no known author (a cron run) has nobody to exclude.
/// </summary>
public static class RunAuthor
{
    public static bool IsAuthor(PipelineRun run, string? username) =>
        run.TriggeredBy is { } author && username is not null && string.Equals(author, username, StringComparison.OrdinalIgnoreCase);
}
