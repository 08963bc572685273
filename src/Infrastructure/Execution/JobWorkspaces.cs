using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Comet.Infrastructure.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// {Runner:WorkDirectory}/{node}/{job}/workspace and …/home: each job its own, so parallel jobs never share files.
/// Outside the data folder, so that the sandbox account can reach its job's folder without reaching the server's
/// files; the work and node folders can be passed through but not listed (0711). A restart after a crash finds what
/// a lost job left running by the folder it names, and ends it.
/// </summary>
public sealed class JobWorkspaces(IOptions<RunnerOptions> runner, INodeIdentity node, ILogger<JobWorkspaces> logger)
{
    public string NodeRoot => Path.Combine(WorkRoot(runner.Value), node.Id);

    public static string WorkRoot(RunnerOptions options) =>
        string.IsNullOrWhiteSpace(options.WorkDirectory)
            ? Path.Combine("/var/tmp", $"comet-work-{Posix.getuid()}")
            : Path.GetFullPath(options.WorkDirectory);

    /// <summary>A new, empty job folder; the checkout goes in its <c>workspace</c>, which must not exist yet.</summary>
    public JobFolder Create(Guid jobId)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Comet runs jobs on Linux.");
        foreach (var passable in new[] { WorkRoot(runner.Value), NodeRoot })
        {
            Directory.CreateDirectory(passable);
            // The default lives in a world-writable folder: someone may have made it first, or as a link elsewhere.
            if (new DirectoryInfo(passable).LinkTarget is not null)
                throw new JobBackendException($"the work folder {passable} is a link; remove it or set Runner:WorkDirectory");
            if (Posix.lchown(passable, Posix.geteuid(), Posix.getegid()) != 0)
                throw new JobBackendException($"the work folder {passable} belongs to another account; remove it or set Runner:WorkDirectory");
            File.SetUnixFileMode(passable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                           | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        var root = Path.Combine(NodeRoot, jobId.ToString("N"));
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true); // left over from a lost attempt
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var folder = new JobFolder(root);
        Directory.CreateDirectory(folder.Home);
        return folder;
    }

    public void RemoveNodeRootIfEmpty()
    {
        try
        {
            if (Directory.Exists(NodeRoot) && !Directory.EnumerateFileSystemEntries(NodeRoot).Any()) Directory.Delete(NodeRoot);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A job folder appeared meanwhile, or the folder is not ours to remove: it stays, as it would have.
        }
    }

    public void Delete(JobFolder folder)
    {
        if (Directory.Exists(folder.Root)) Directory.Delete(folder.Root, recursive: true);
    }

    /// <summary>
    /// After a restart: every job folder of this node belongs to a job that was lost (the dispatcher marks those jobs
    /// at the same moment). Ends the processes still working in it and removes it. Returns the folders removed.
    /// </summary>
    public int RemoveLeftovers()
    {
        if (!Directory.Exists(NodeRoot)) return 0;
        var removed = 0;
        foreach (var root in Directory.EnumerateDirectories(NodeRoot))
        {
            var folder = new JobFolder(root);
            try
            {
                EndProcessesOf(folder);
                Delete(folder);
                removed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning(ex, "Could not remove the leftover job folder {Folder}", root);
            }
        }
        return removed;
    }

    /// <summary>
    /// The processes a lost job left: a sandbox names the job's workspace on its command line (<c>--bind</c>), a local
    /// step in its environment (<c>COMET_WORKSPACE</c>). Each is killed with its process group when it leads one of
    /// its own (a local step's <c>setsid</c>); a sandbox takes its pid namespace with it.
    /// </summary>
    private void EndProcessesOf(JobFolder folder)
    {
        var ownGroup = Posix.getpgrp();
        foreach (var pid in ProcessesNaming(folder.Workspace))
        {
            logger.LogWarning("Ending process {Pid} left running by a lost job ({Folder})", pid, folder.Root);
            ProcessGroup.KillProcess(pid);
            if (ProcessGroup.GroupOf(pid) is { } group && group == pid && group != ownGroup) ProcessGroup.Kill(group);
        }
    }

    private static IEnumerable<int> ProcessesNaming(string workspace)
    {
        var inEnvironment = "COMET_WORKSPACE=" + workspace + "\0";
        var onCommandLine = "\0" + workspace + "\0";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            string cmdline, environ;
            try
            {
                cmdline = "\0" + File.ReadAllText(Path.Combine(dir, "cmdline"));
                environ = File.ReadAllText(Path.Combine(dir, "environ"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // ended meanwhile, or not ours to read
            }
            if (cmdline.Contains(onCommandLine, StringComparison.Ordinal) || environ.Contains(inEnvironment, StringComparison.Ordinal))
                yield return pid;
        }
    }
}

/// <summary>One job's folder: <c>workspace</c> (the checkout) and <c>home</c> (HOME for the steps).</summary>
public sealed record JobFolder(string Root)
{
    public string Workspace => Path.Combine(Root, "workspace");
    public string Home => Path.Combine(Root, "home");
}

/// <summary>A node id created once per data folder, so a restarted orchestrator knows which running jobs were its own.</summary>
public sealed class DataFolderNodeIdentity(IOptions<CometOptions> comet) : INodeIdentity
{
    private readonly Lazy<string> _id = new(() =>
    {
        var path = Path.Combine(comet.Value.DataDirFullPath, "node-id");
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        Directory.CreateDirectory(comet.Value.DataDirFullPath);
        var host = Environment.MachineName;
        var id = $"{(host.Length > 31 ? host[..31] : host)}-{Guid.NewGuid():N}"; // fits the 64-character lease column
        File.WriteAllText(path, id);
        return id;
    });

    public string Id => _id.Value;
}
