using System.Text;
using Comet.Application.Common.Interfaces;
using Comet.Application.Pipelines;
using LibGit2Sharp;

namespace Comet.Infrastructure.Git;

/// <summary>
/// Reads of a bare mirror in the server's own process, through libgit2: no process per read, and nothing the mirror
/// holds is ever run (libgit2 has no hooks, and blobs are read raw, so no filter runs either). Each call opens its own
/// <see cref="Repository"/>, which is not thread-safe; libgit2 serves any number of them over one mirror.
/// </summary>
public static class MirrorReader
{
    /// <summary>The largest file read: the pipeline file's limit, since the whole file is held in memory.</summary>

    static MirrorReader()
    {
        // Like the git command line (GIT_CONFIG_GLOBAL=/dev/null, GIT_CONFIG_NOSYSTEM): only the mirror's own config.
        // A process-wide setting; Comet opens no other repository with libgit2.
        foreach (var level in new[] { ConfigurationLevel.Global, ConfigurationLevel.Xdg, ConfigurationLevel.System, ConfigurationLevel.ProgramData })
            GlobalSettings.SetConfigSearchPaths(level, "/dev/null");
    }

    /// <summary>The full sha of the commit <paramref name="revision"/> names (a sha or its prefix, a ref), or null.</summary>
    public static string? TryResolveCommit(string mirror, string revision) => Read(mirror, repository =>
    {
        try
        {
            // ^{commit} peels an annotated tag to its commit, as `git rev-parse` does.
            return (repository.Lookup(revision + "^{commit}") as Commit)?.Sha;
        }
        catch (Exception ex) when (ex is AmbiguousSpecificationException or InvalidSpecificationException or PeelException)
        {
            return null;
        }
    });

    /// <summary>The size of the file at the commit, or null when the commit has no file at <paramref name="path"/>.</summary>
    public static long? FileSize(string mirror, string sha, string path) => Read(mirror, repository =>
        FileAt(repository, sha, path)?.Size);

    /// <summary>The file's text at the commit, or null when the commit has no file at <paramref name="path"/>.</summary>
    public static string? ReadFile(string mirror, string sha, string path, long maxBytes) => Read(mirror, repository =>
    {
        if (FileAt(repository, sha, path) is not { } blob)
            return null;
        if (blob.Size > maxBytes)
            throw new GitException(string.Format(System.Globalization.CultureInfo.InvariantCulture,
                "{0} at commit {1} is {2:N0} bytes; the limit is {3:N0} bytes.", path, Short(sha), blob.Size, maxBytes));
        using var reader = new StreamReader(blob.GetContentStream(), Encoding.UTF8);
        return reader.ReadToEnd();
    });

    /// <summary>The blob at <paramref name="path"/>; null when there is nothing there; a folder, link or submodule is refused.</summary>
    private static Blob? FileAt(Repository repository, string sha, string path)
    {
        var entry = CommitOf(repository, sha)[path];
        if (entry is null)
            return null;
        if (entry.TargetType != TreeEntryTargetType.Blob || entry.Mode == Mode.SymbolicLink)
            throw new GitException($"{path} at commit {Short(sha)} is {Kind(entry)}, not a file.");
        return (Blob)entry.Target;
    }

    public static CommitInfo ReadCommit(string mirror, string sha) => Read(mirror, repository =>
    {
        var commit = CommitOf(repository, sha);
        return new CommitInfo(commit.Sha, commit.Message.TrimEnd(), commit.Author.Name, commit.Author.Email, commit.Author.When);
    });

    /// <summary>
    /// Paths the commit added, changed or removed against its first parent (a root commit: all its files), sorted.
    /// Renames are not looked for, so a moved file gives both its old and its new path, as a path filter wants.
    /// </summary>
    public static IReadOnlyList<string> ChangedPaths(string mirror, string sha) => Read(mirror, repository =>
    {
        var commit = CommitOf(repository, sha);
        using var changes = repository.Diff.Compare<TreeChanges>(
            commit.Parents.FirstOrDefault()?.Tree, commit.Tree, new CompareOptions { Similarity = SimilarityOptions.None });
        return (IReadOnlyList<string>)changes
            .SelectMany(change => new[] { change.OldPath, change.Path })
            .Where(path => !string.IsNullOrEmpty(path))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
    });

    /// <summary>Opens the mirror for one read; whatever libgit2 cannot do is a <see cref="GitException"/>, as git's failures are.</summary>
    private static T Read<T>(string mirror, Func<Repository, T> read)
    {
        try
        {
            using var repository = new Repository(mirror);
            return read(repository);
        }
        catch (RepositoryNotFoundException)
        {
            throw new GitException($"the project's mirror at {mirror} does not exist yet; nothing has been fetched.");
        }
        catch (LibGit2SharpException ex)
        {
            throw new GitException($"the project's mirror at {mirror} could not be read: {ex.Message}");
        }
    }

    private static Commit CommitOf(Repository repository, string sha) =>
        repository.Lookup<Commit>(sha) ?? throw new GitException($"commit {sha} is not in the project's mirror.");

    private static string Kind(TreeEntry entry) => entry.TargetType switch
    {
        TreeEntryTargetType.Tree => "a directory",
        TreeEntryTargetType.GitLink => "a submodule",
        _ => "a symbolic link",
    };

    private static string Short(string sha) => sha[..Math.Min(12, sha.Length)];
}
