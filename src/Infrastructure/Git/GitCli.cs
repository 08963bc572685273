using System.Collections.Concurrent;
using System.Diagnostics;
using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Comet.Infrastructure.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Git;

/// <summary>
/// git through its command line, as most CI runners use it: a bare mirror per project under
/// {DataDir}/git, fetched only when a commit is missing, and cheap local clones for workspaces.
/// git never prompts (GIT_TERMINAL_PROMPT=0, ssh in batch mode) and every call has a time limit.
/// </summary>
public sealed class GitCli(IOptions<CometOptions> comet, IOptions<RunnerOptions> runner, ILogger<GitCli> logger) : IGitRepositories
{
    private static readonly ConcurrentDictionary<Guid, SemaphoreSlim> MirrorLocks = new();

    public string MirrorPath(Guid projectId) => Path.Combine(comet.Value.DataDirFullPath, "git", projectId.ToString("N") + ".git");

    public async Task<string> FetchAsync(Guid projectId, string repoUrl, string gitRef, string? sha, CancellationToken cancellationToken)
    {
        var mirror = MirrorPath(projectId);
        var gate = MirrorLocks.GetOrAdd(projectId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            await EnsureMirrorAsync(mirror, repoUrl, cancellationToken);
            // rev-parse both checks that the commit is here and gives its full id: one process, not two.
            if (sha is not null && await TryRevParseAsync(mirror, sha + "^{commit}", cancellationToken) is { } known)
                return known;

            var fullRef = FullRef(gitRef);
            var fetch = await RunAsync(mirror, cancellationToken, "fetch", "--quiet", "--no-tags", "origin", $"+{fullRef}:{fullRef}");
            if (fetch.ExitCode != 0 && sha is null)
                throw new GitException($"git could not fetch {fullRef} from {repoUrl}: {fetch.Error}");
            if (await TryRevParseAsync(mirror, (sha ?? fullRef) + "^{commit}", cancellationToken) is { } fetched)
                return fetched;
            if (sha is null) throw new GitException($"git fetched {fullRef} from {repoUrl} but it names no commit");

            // The ref moved on since the event (or was never fetchable): ask for the commit itself.
            var direct = await RunAsync(mirror, cancellationToken, "fetch", "--quiet", "--no-tags", "origin", sha);
            if (direct.ExitCode == 0 && await TryRevParseAsync(mirror, sha + "^{commit}", cancellationToken) is { } found)
                return found;
            throw new GitException($"commit {sha} was not found in {repoUrl} ({fullRef}): {FirstNonEmpty(direct.Error, fetch.Error)}");
        }
        finally
        {
            gate.Release();
        }
    }

    public async Task<long?> FileSizeAsync(Guid projectId, string sha, string path, CancellationToken cancellationToken)
    {
        var result = await RunAsync(MirrorPath(projectId), cancellationToken, "cat-file", "-s", $"{sha}:{path}");
        if (result.ExitCode == 0 && long.TryParse(result.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var size)) return size;
        if (IsMissingFile(result.Error)) return null;
        throw new GitException($"git could not read the size of {path} at {sha}: {result.Error}");
    }

    public async Task<string?> ReadFileAsync(Guid projectId, string sha, string path, CancellationToken cancellationToken)
    {
        var result = await RunAsync(MirrorPath(projectId), cancellationToken, "show", $"{sha}:{path}");
        if (result.ExitCode == 0) return result.Output;
        if (IsMissingFile(result.Error)) return null;
        throw new GitException($"git could not read {path} at {sha}: {result.Error}");
    }

    private static bool IsMissingFile(string error) =>
        error.Contains("does not exist", StringComparison.Ordinal) || error.Contains("exists on disk, but not in", StringComparison.Ordinal);

    public async Task CheckoutAsync(Guid projectId, string sha, string workspace, CancellationToken cancellationToken)
    {
        // --shared borrows the mirror's objects instead of copying them: a workspace costs only its files.
        var clone = await RunAsync(null, cancellationToken, "clone", "--quiet", "--shared", "--no-checkout", MirrorPath(projectId), workspace);
        if (clone.ExitCode != 0) throw new GitException($"git could not make a workspace: {clone.Error}");
        var checkout = await RunAsync(workspace, cancellationToken, "checkout", "--quiet", "--detach", sha);
        if (checkout.ExitCode != 0) throw new GitException($"git could not check out {sha}: {checkout.Error}");
    }

    private async Task EnsureMirrorAsync(string mirror, string repoUrl, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(mirror))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(mirror)!);
            var init = await RunAsync(null, cancellationToken, "init", "--quiet", "--bare", mirror);
            if (init.ExitCode != 0) throw new GitException($"git could not create a mirror: {init.Error}");
            var add = await RunAsync(mirror, cancellationToken, "remote", "add", "origin", repoUrl);
            if (add.ExitCode != 0) throw new GitException($"git could not set up the mirror's remote: {add.Error}");
            return;
        }
        // The project's URL may have been changed since the last fetch; a file read is cheaper than a git call.
        var config = await File.ReadAllTextAsync(Path.Combine(mirror, "config"), cancellationToken);
        if (!config.Contains($"url = {repoUrl}\n", StringComparison.Ordinal))
        {
            // A mirror left half-made (a crash between init and remote add) has no origin yet: add it.
            var setUrl = await RunAsync(mirror, cancellationToken, "remote", "set-url", "origin", repoUrl);
            if (setUrl.ExitCode != 0 && (await RunAsync(mirror, cancellationToken, "remote", "add", "origin", repoUrl)) is { ExitCode: not 0 } add)
                throw new GitException($"git could not set the mirror's remote to {repoUrl}: {add.Error}");
        }
    }

    private async Task<string?> TryRevParseAsync(string mirror, string revision, CancellationToken cancellationToken)
    {
        var result = await RunAsync(mirror, cancellationToken, "rev-parse", "--verify", "--quiet", revision);
        return result.ExitCode == 0 ? result.Output.Trim() : null;
    }

    /// <summary>"main" is a branch; "refs/…" is taken as given.</summary>
    private static string FullRef(string gitRef) => gitRef.StartsWith("refs/", StringComparison.Ordinal) ? gitRef : "refs/heads/" + gitRef;

    private static string FirstNonEmpty(params string[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim() ?? "";

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string? workingDirectory, CancellationToken cancellationToken, params string[] args)
    {
        var info = new ProcessStartInfo("git")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (workingDirectory is not null)
        {
            info.ArgumentList.Add("-C");
            info.ArgumentList.Add(workingDirectory);
        }
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["GIT_TERMINAL_PROMPT"] = "0";
        info.Environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new";
        info.Environment["LC_ALL"] = "C";

        using var process = Process.Start(info) ?? throw new GitException("git could not be started; is it installed?");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(runner.Value.GitTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested) throw;
            throw new GitException($"git {args[0]} did not finish within {runner.Value.GitTimeout.TotalSeconds:0} s");
        }
        var result = (process.ExitCode, await output, (await error).Trim());
        if (result.ExitCode != 0) logger.LogDebug("git {Command} exited {Code}: {Error}", args[0], result.ExitCode, result.Item3);
        return result;
    }
}
