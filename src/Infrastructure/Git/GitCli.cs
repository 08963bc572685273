using System.Collections.Concurrent;
using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Comet.Infrastructure.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;

namespace Comet.Infrastructure.Git;

/// <summary>
/// A bare mirror per project under {DataDir}/git, fetched with the git command line only when a commit is missing,
/// read in-process (<see cref="MirrorReader"/>), and copied into job workspaces. Every git command goes through
/// <see cref="GitProcess"/>: no hooks, no prompts, none of the server's environment, a time limit.
/// </summary>
public sealed class GitCli(IOptions<CometOptions> comet, IOptions<RunnerOptions> runner, ILogger<GitCli> logger) : IGitRepositories
{
    private static readonly ConcurrentDictionary<Guid, SemaphoreSlim> MirrorLocks = new();

    private readonly GitProcess _git = new(runner.Value.GitTimeout, logger);

    public string MirrorPath(Guid projectId) => Path.Combine(comet.Value.DataDirFullPath, "git", projectId.ToString("N") + ".git");

    public async Task<string> FetchAsync(Guid projectId, string repoUrl, string gitRef, string? sha, CancellationToken cancellationToken)
    {
        var mirror = MirrorPath(projectId);
        var gate = MirrorLocks.GetOrAdd(projectId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureMirrorAsync(mirror, repoUrl, cancellationToken);
            if (sha is not null && MirrorReader.TryResolveCommit(mirror, sha) is { } known)
                return known;

            var fullRef = FullRef(gitRef);
            var fetch = await _git.RunAsync(mirror, cancellationToken, "fetch", "--quiet", "--no-tags", "origin", $"+{fullRef}:{fullRef}");
            if (fetch.ExitCode != 0 && sha is null)
                throw new GitException($"git could not fetch {fullRef} from {repoUrl}: {fetch.Error}");
            if (MirrorReader.TryResolveCommit(mirror, sha ?? fullRef) is { } fetched)
                return fetched;
            if (sha is null) throw new GitException($"git fetched {fullRef} from {repoUrl} but it names no commit");

            // The ref moved on since the event (or was never fetchable): ask for the commit itself.
            var direct = await _git.RunAsync(mirror, cancellationToken, "fetch", "--quiet", "--no-tags", "origin", sha);
            if (direct.ExitCode == 0 && MirrorReader.TryResolveCommit(mirror, sha) is { } found)
                return found;
            throw new GitException($"commit {sha} was not found in {repoUrl} ({fullRef}): {FirstNonEmpty(direct.Error, fetch.Error)}");
        }
        finally
        {
            gate.Release();
        }
    }

    public Task<long?> FileSizeAsync(Guid projectId, string sha, string path, CancellationToken cancellationToken) =>
        Task.Run(() => MirrorReader.FileSize(MirrorPath(projectId), sha, path), cancellationToken);

    public Task<string?> ReadFileAsync(Guid projectId, string sha, string path, long maxBytes, CancellationToken cancellationToken) =>
        Task.Run(() => MirrorReader.ReadFile(MirrorPath(projectId), sha, path, maxBytes), cancellationToken);

    public Task<CommitInfo> ReadCommitAsync(Guid projectId, string sha, CancellationToken cancellationToken) =>
        Task.Run(() => MirrorReader.ReadCommit(MirrorPath(projectId), sha), cancellationToken);

    public Task<IReadOnlyList<string>> ChangedPathsAsync(Guid projectId, string sha, CancellationToken cancellationToken) =>
        Task.Run(() => MirrorReader.ChangedPaths(MirrorPath(projectId), sha), cancellationToken);

    public async Task CheckoutAsync(Guid projectId, string sha, string workspace, CancellationToken cancellationToken)
    {
        workspace = Path.GetFullPath(workspace);
        // The workspace gets its own copy of the mirror's objects. Not borrowed (--shared): objects/info/alternates
        // would name the mirror, and a sandboxed step, which cannot see the mirror, would find its history missing.
        // Not hard-linked (--local): a linked pack is the mirror's own file, which a step could chmod and rewrite.
        // --template= copies no sample hooks into the workspace.
        var clone = await _git.RunAsync(null, cancellationToken,
            "clone", "--quiet", "--no-hardlinks", "--no-checkout", "--template=", MirrorPath(projectId), workspace);
        if (clone.ExitCode != 0) throw new GitException($"git could not make a workspace: {clone.Error}");
        // The only git command the server runs in a workspace, and it runs before any step: the workspace's
        // config is still the one clone just wrote.
        var checkout = await _git.RunAsync(Path.Combine(workspace, ".git"), cancellationToken,
            "--work-tree=" + workspace, "checkout", "--quiet", "--detach", sha);
        if (checkout.ExitCode != 0) throw new GitException($"git could not check out {sha}: {checkout.Error}");
    }

    private async Task EnsureMirrorAsync(string mirror, string repoUrl, CancellationToken cancellationToken)
    {
        // No HEAD: never made, or left half-made by a crash; init is safe to repeat.
        if (!File.Exists(Path.Combine(mirror, "HEAD")))
        {
            Directory.CreateDirectory(mirror);
            var init = await _git.RunAsync(null, cancellationToken, "init", "--quiet", "--bare", "--template=", mirror);
            if (init.ExitCode != 0) throw new GitException($"git could not create a mirror: {init.Error}");
        }
        await WriteMirrorConfigAsync(mirror, repoUrl, cancellationToken);
    }

    /// <summary>
    /// Comet alone writes a mirror's config, whole, and puts it back whenever it differs (the project's URL changed,
    /// or something else wrote there): a planted setting such as core.gitProxy, remote.origin.uploadpack or an
    /// include of another file never reaches a fetch, whether or not the command line overrides it.
    /// </summary>
    private static async Task WriteMirrorConfigAsync(string mirror, string repoUrl, CancellationToken cancellationToken)
    {
        var path = Path.Combine(mirror, "config");
        var wanted = "[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n"
            + $"[remote \"origin\"]\n\turl = \"{repoUrl.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"\n";
        if (File.Exists(path) && await File.ReadAllTextAsync(path, cancellationToken) == wanted)
            return;
        // Written aside and renamed over, so a read or checkout running meanwhile sees the old file or the new one.
        var written = path + ".comet-new";
        await File.WriteAllTextAsync(written, wanted, cancellationToken);
        File.Move(written, path, overwrite: true);
    }

    /// <summary>"main" is a branch; "refs/…" is taken as given.</summary>
    private static string FullRef(string gitRef) => gitRef.StartsWith("refs/", StringComparison.Ordinal) ? gitRef : "refs/heads/" + gitRef;

    private static string FirstNonEmpty(params string[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim() ?? "";
}
