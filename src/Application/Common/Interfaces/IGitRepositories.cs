namespace Comet.Application.Common.Interfaces;

/// <summary>Per-project git mirrors and job workspaces made from them.</summary>
public interface IGitRepositories
{
    /// <summary>
    /// Makes sure the project's mirror holds <paramref name="sha"/> (or, without one, the commit
    /// <paramref name="gitRef"/> points at), fetching only when it is missing. Returns the full sha.
    /// </summary>
    Task<string> FetchAsync(Guid projectId, string repoUrl, string gitRef, string? sha, CancellationToken cancellationToken);

    /// <summary>The size in bytes of a file of the repository at a commit, or null when the commit has no such file.</summary>
    Task<long?> FileSizeAsync(Guid projectId, string sha, string path, CancellationToken cancellationToken);

    /// <summary>
    /// A file of the repository at a commit, or null when the commit has no such file. A directory, link or
    /// submodule at that path, or a file over <paramref name="maxBytes"/>, is a <see cref="GitException"/>: an
    /// attacker's huge blob is never read into memory.
    /// </summary>
    Task<string?> ReadFileAsync(Guid projectId, string sha, string path, long maxBytes, CancellationToken cancellationToken);

    /// <summary>The message and author of a commit in the project's mirror.</summary>
    Task<CommitInfo> ReadCommitAsync(Guid projectId, string sha, CancellationToken cancellationToken);

    /// <summary>
    /// Paths a commit added, changed or removed against its first parent (for a root commit, all its files), for
    /// <c>when: path</c>. It covers that one commit only, not a push of several.
    /// </summary>
    Task<IReadOnlyList<string>> ChangedPathsAsync(Guid projectId, string sha, CancellationToken cancellationToken);

    /// <summary>A fresh checkout of the commit in <paramref name="workspace"/> (which must not exist yet).</summary>
    Task CheckoutAsync(Guid projectId, string sha, string workspace, CancellationToken cancellationToken);
}

/// <summary>A commit as a run shows it.</summary>
/// <param name="Message">The whole message, without trailing blank lines.</param>
public sealed record CommitInfo(string Sha, string Message, string AuthorName, string AuthorEmail, DateTimeOffset AuthoredAt);

/// <summary>git failed; the message is git's own, for the run's error.</summary>
public sealed class GitException(string message) : Exception(message);
