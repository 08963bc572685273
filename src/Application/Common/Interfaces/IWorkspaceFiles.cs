namespace Comet.Application.Common.Interfaces;

/// <summary>
/// Finds and places files in a job's workspace without ever leaving it: links that point outside are refused
/// (never read, never written through), and so are paths with '..' or rooted paths.
/// </summary>
public interface IWorkspaceFiles
{
    /// <summary>
    /// Regular files under <paramref name="workspace"/> whose relative path (forward slashes) matches any of
    /// <paramref name="globs"/> (<see cref="Pipelines.GlobPattern"/> syntax), in ordinal path order. Symbolic links
    /// are followed only when their final target stays inside the workspace; a matching or traversed link that
    /// leaves it is refused with a warning. At most <paramref name="maxFiles"/> files (a warning when cut).
    /// </summary>
    WorkspaceFileMatch Find(string workspace, IReadOnlyList<string> globs, int maxFiles = 10_000);

    /// <summary>
    /// Creates (or replaces) the file at <paramref name="relativePath"/> inside the workspace, creating its folders;
    /// executable by its owner (and readable by all) when <paramref name="executable"/>.
    /// Null with <paramref name="refusal"/> set when the path, or any folder on the way, is rooted, has '..', or is
    /// a link (so an artifact can never be written outside the workspace through a checked-in link).
    /// </summary>
    Stream? TryCreate(string workspace, string relativePath, out string? refusal, bool executable = false);
}

/// <param name="RelativePath">Forward slashes, relative to the workspace, e.g. "reports/junit.xml".</param>
/// <param name="FullPath">Where the backend reads it (a link's target when the match was a link inside the workspace); callers open it through <see cref="IJobFiles.OpenRead"/>.</param>
/// <param name="Executable">Its owner may run it (the user-execute bit), so it is placed again as executable.</param>
public sealed record WorkspaceFile(string RelativePath, string FullPath, long Size, bool Executable = false);

/// <param name="UnmatchedGlobs">The globs that matched no file (the caller says what that means: a missing report…).</param>
/// <param name="Warnings">Refused links and paths, and a cut list, each a sentence naming the path.</param>
public sealed record WorkspaceFileMatch(IReadOnlyList<WorkspaceFile> Files, IReadOnlyList<string> UnmatchedGlobs, IReadOnlyList<string> Warnings);
