using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// Steps as plain child processes of the server, as its own user, in the job's folder (Woodpecker's "local" backend).
/// No isolation: a step can read whatever the server's user can. For trusted single-user set-ups only; opt in with
/// Runner:Backend=local (the server warns at start).
/// </summary>
public sealed class LocalBackend(JobWorkspaces workspaces, IGitRepositories git, IWorkspaceFiles files, IOptions<RunnerOptions> options,
    ILogger<LocalBackend> logger) : IJobBackend
{
    /// <summary>The server's own settings a local step keeps: where its tools are, and its language and time zone.</summary>
    private static readonly IReadOnlySet<string> FromServer = new HashSet<string>(StringComparer.Ordinal) { "PATH", "LANG", "TZ", "DOTNET_ROOT" };

    public string Name => JobBackendNames.Local;

    public int RemoveLeftovers() => workspaces.RemoveLeftovers();

    public Task<IJobEnvironment> SetupAsync(JobSetup setup, CancellationToken cancellationToken)
    {
        var folder = workspaces.Create(setup.JobId);
        var process = new StepProcess(options.Value.KillGracePeriod, logger);
        return Task.FromResult<IJobEnvironment>(new LocalJobEnvironment(setup, folder, workspaces, git, files, process));
    }

    private sealed class LocalJobEnvironment(JobSetup setup, JobFolder folder, JobWorkspaces workspaces, IGitRepositories git,
        IWorkspaceFiles files, StepProcess process) : FolderJobEnvironment(setup, folder, workspaces, git, files)
    {
        public override string Workspace => Folder.Workspace;

        public override string Home => Folder.Home;

        public override string Description => Setup.Network
            ? "local backend: steps run as the server's own user, without isolation"
            : "local backend: steps run as the server's own user, without isolation ('network: none' is not enforced by this backend)";

        public override Task<StepOutcome> RunStepAsync(StepLaunch launch, IStepLogWriter log, CancellationToken cancellationToken) =>
            process.RunAsync(["bash", "-eo", "pipefail", "-c", launch.Script], Folder.Workspace,
                launch.Environment, FromServer, launch.Timeout, log,
                StepShape.ProcessGroup, userName: null, cancellationToken);
    }
}
