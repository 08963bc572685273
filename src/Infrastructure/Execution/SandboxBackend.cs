using System.Globalization;
using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Comet.Infrastructure.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// Steps in a bubblewrap sandbox, one per step: new user, pid, ipc, uts and cgroup namespaces (and network, for
/// <c>network: none</c>), as an unprivileged account, with the system read-only, only the job's workspace and HOME
/// writable at stable paths, a private /tmp, /proc showing only the step's own processes, and nothing else of the host
/// (no data folder, no other workspace, no mirror, no key). The sandbox dies with the server (--die-with-parent) and
/// the step leads a session of its own (--new-session, so it cannot push keys into a terminal). See docs/SECURITY.md.
/// </summary>
public sealed class SandboxBackend(JobWorkspaces workspaces, IGitRepositories git, IWorkspaceFiles files, IOptions<RunnerOptions> runner,
    IOptions<CometOptions> comet, ILogger<SandboxBackend> logger) : IJobBackend
{
    public const string WorkspacePath = "/workspace";
    public const string HomePath = "/home/comet";

    private readonly Lazy<SandboxAccount> _account = new(() =>
    {
        var (account, problem) = SandboxAccount.Resolve(runner.Value.SandboxUser);
        return account ?? throw new JobBackendException(problem!);
    });

    /// <summary>The sandbox's file system from the host's, the same for every step of this node: worked out once.</summary>
    private readonly Lazy<IReadOnlyList<string>> _hostLayout = new(() => HostLayout(runner.Value, comet.Value));

    /// <summary>A step sees nothing of the server's environment: PATH and LANG come from the defaults.</summary>
    private static readonly IReadOnlySet<string> NothingFromServer = new HashSet<string>();

    public string Name => JobBackendNames.Sandbox;

    public SandboxAccount Account => _account.Value;

    public int RemoveLeftovers() => workspaces.RemoveLeftovers();

    public Task<IJobEnvironment> SetupAsync(JobSetup setup, CancellationToken cancellationToken)
    {
        _ = Account; // an account that went missing since start fails the job here, saying so
        var folder = workspaces.Create(setup.JobId);
        var process = new StepProcess(runner.Value.KillGracePeriod, logger);
        return Task.FromResult<IJobEnvironment>(new SandboxJobEnvironment(this, setup, folder, workspaces, git, files, process));
    }

    /// <summary>
    /// Why the sandbox cannot run here, in one line, or null when a trial sandbox ran: the account exists and is not
    /// root, bwrap is installed, and it can create its namespaces as that account.
    /// </summary>
    public async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var (account, problem) = SandboxAccount.Resolve(runner.Value.SandboxUser);
        if (account is null) return problem;
        if (!File.Exists("/usr/bin/bwrap"))
            return "bubblewrap (/usr/bin/bwrap) is not installed; install it (apt-get install bubblewrap; ./dev.sh does) or choose Runner:Backend=local for trusted single-user set-ups";
        try
        {
            // The trial runs exactly as a job's step would: the same folder hand-over, launcher, account and command line.
            var folder = workspaces.Create(Guid.Empty);
            Directory.CreateDirectory(folder.Workspace);
            var setup = new JobSetup(Guid.Empty, Guid.Empty, "", Network: false);
            await using var trial = new SandboxJobEnvironment(this, setup, folder, workspaces, git, files,
                new StepProcess(runner.Value.KillGracePeriod, logger));
            var output = new KeptLines();
            var outcome = await trial.RunStepAsync(new StepLaunch("true", new Dictionary<string, string>(), TrialTimeout), output, cancellationToken);
            if (outcome.Succeeded) return null;
            var why = outcome.TimedOut ? $"a trial step did not end within {TrialTimeout.TotalSeconds:0} s"
                : output.Lines.FirstOrDefault()?.Trim() ?? $"exit code {outcome.ExitCode}";
            return $"bubblewrap cannot create the sandbox as '{account.Name}': {why}";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or OperationCanceledException or JobBackendException)
        {
            return $"the sandbox could not be tried: {ex.Message}";
        }
    }

    private static readonly TimeSpan TrialTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The trial step's output, for the one-line refusal (bwrap says why on its first line).</summary>
    private sealed class KeptLines : IStepLogWriter
    {
        public List<string> Lines { get; } = [];

        public bool Truncated => false;

        public ValueTask WriteLineAsync(string line)
        {
            lock (Lines) Lines.Add(line);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>
    /// The command line after <c>env --default-signal=PIPE</c>, run as the account (switched in the child before exec,
    /// when the server is root): the rlimits, bwrap and the program. Every argument is its own list item; the script is
    /// never pasted into a command line.
    /// </summary>
    internal IReadOnlyList<string> Command(JobFolder folder, bool network, IReadOnlyList<string> program)
    {
        var options = runner.Value;
        var args = new List<string>();
        var limits = new List<string>();
        if (options.SandboxMaxProcesses > 0) limits.Add($"--nproc={options.SandboxMaxProcesses}");
        if (options.JobMemoryBytes > 0) limits.Add($"--as={options.JobMemoryBytes}");
        if (limits.Count > 0) args.AddRange(["prlimit", .. limits, "--"]);

        args.AddRange(["bwrap", "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]);
        if (!network) args.Add("--unshare-net");
        args.AddRange(["--disable-userns", "--die-with-parent", "--new-session", "--hostname", "comet"]);
        args.AddRange(_hostLayout.Value);
        args.AddRange(["--bind", folder.Workspace, WorkspacePath, "--bind", folder.Home, HomePath]);
        args.AddRange(["--remount-ro", "/", "--chdir", WorkspacePath, "--"]);
        args.AddRange(program);
        return args;
    }

    /// <summary>
    /// The read-only host folders, the host's /bin, /lib… links, a fresh /proc and /dev, a private /tmp, and the
    /// server's own folders hidden even when a configured read-only path holds them.
    /// </summary>
    private static List<string> HostLayout(RunnerOptions options, CometOptions comet)
    {
        var args = new List<string>();
        foreach (var path in options.SandboxReadOnlyPaths.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
            args.AddRange(["--ro-bind-try", path, path]);
        // Debian and most distributions keep /bin, /lib… as links into /usr: the same links inside.
        foreach (var top in new[] { "bin", "sbin", "lib", "lib32", "lib64", "libx32" })
        {
            var host = new FileInfo("/" + top);
            if (host.LinkTarget is { } target) args.AddRange(["--symlink", target, "/" + top]);
            else if (Directory.Exists(host.FullName)) args.AddRange(["--ro-bind", host.FullName, host.FullName]);
        }
        args.AddRange(["--proc", "/proc", "--dev", "/dev"]);
        args.AddRange(["--size", options.SandboxTmpBytes.ToString(CultureInfo.InvariantCulture), "--tmpfs", "/tmp"]);
        foreach (var own in new[] { comet.DataDirFullPath, JobWorkspaces.WorkRoot(options) })
            if (options.SandboxReadOnlyPaths.Any(p => IsUnder(own, Path.GetFullPath(p))))
                args.AddRange(["--tmpfs", own]);
        return args;
    }

    private static bool IsUnder(string path, string folder) =>
        path == folder || path.StartsWith(folder.TrimEnd('/') + "/", StringComparison.Ordinal);

    internal string Describe(bool network)
    {
        var options = runner.Value;
        var account = Account;
        var limits = new List<string>();
        if (options.JobMemoryBytes > 0) limits.Add($"{options.JobMemoryBytes / (1024 * 1024)} MiB address space per process");
        if (options.SandboxMaxProcesses > 0) limits.Add($"{options.SandboxMaxProcesses} processes for all sandboxed steps of this node");
        return $"sandbox backend (bubblewrap): user '{account.Name}' (uid {account.Uid}), new user/pid/ipc/uts namespaces, " +
               $"network {(network ? "on" : "off")}, system read-only, writable: {WorkspacePath}, {HomePath}, /tmp; " +
               $"limits: rlimits ({(limits.Count == 0 ? "none" : string.Join(", ", limits))}; cgroup v2 is not used) and the job's timeout";
    }

    private sealed class SandboxJobEnvironment(SandboxBackend backend, JobSetup setup, JobFolder folder, JobWorkspaces workspaces,
        IGitRepositories git, IWorkspaceFiles files, StepProcess process) : FolderJobEnvironment(setup, folder, workspaces, git, files)
    {
        /// <summary>False while the server has written files (checkout, artifacts) that the account does not own yet.</summary>
        private bool _handedOver;

        public override string Workspace => WorkspacePath;

        public override string Home => HomePath;

        public override string Description => backend.Describe(Setup.Network);

        public override async Task CheckoutAsync(CancellationToken cancellationToken)
        {
            await base.CheckoutAsync(cancellationToken);
            _handedOver = false;
        }

        public override Task<string> PutSecretFileAsync(string name, string content, CancellationToken cancellationToken)
        {
            _handedOver = false;
            return base.PutSecretFileAsync(name, content, cancellationToken);
        }

        public override Stream? TryCreate(string relativePath, out string? refusal, bool executable = false)
        {
            _handedOver = false;
            return base.TryCreate(relativePath, out refusal, executable);
        }

        public override Task<StepOutcome> RunStepAsync(StepLaunch launch, IStepLogWriter log, CancellationToken cancellationToken)
        {
            var account = backend.Account;
            if (!_handedOver)
            {
                account.Own(Folder.Root);
                _handedOver = true;
            }
            var command = backend.Command(Folder, Setup.Network, ["bash", "-eo", "pipefail", "-c", launch.Script]);
            return process.RunAsync(command, "/", launch.Environment, NothingFromServer, launch.Timeout, log,
                StepShape.Sandbox, account.Switches ? account.Name : null, cancellationToken);
        }
    }
}
