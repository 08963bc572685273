using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Comet.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// At start: the sandbox backend must work here, or the server refuses to start and says why in one line; it never
/// falls back to running steps unsandboxed. The local backend is an explicit choice, and a warning says what it means.
/// At stop, the node's work folder is removed when no job folder is left in it.
/// </summary>
public sealed class JobBackendCheck(IJobBackend backend, JobWorkspaces workspaces, ILogger<JobBackendCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        InheritedDescriptors.MarkCloseOnExec();
        switch (backend)
        {
            case SandboxBackend sandbox:
                if (await sandbox.CheckAsync(cancellationToken) is { } problem)
                    throw new InvalidConfigurationException($"the sandbox backend cannot run: {problem}.");
                if (!sandbox.Account.Switches)
                    logger.LogWarning("The server does not run as root, so sandboxed steps run as its own user ({User}) inside the sandbox; " +
                                      "run it as root with a Runner:SandboxUser account for a second wall", sandbox.Account.Name);
                logger.LogInformation("Steps run in the bubblewrap sandbox as {User}", sandbox.Account.Name);
                break;
            default:
                logger.LogWarning("Runner:Backend={Backend}: steps run WITHOUT isolation as the server's own user and can read its data " +
                                  "folder, keys and database. Use it only where everyone who can push is trusted", backend.Name);
                break;
        }
    }

    /// <summary>A node that stops with no job folder left takes its empty node folder away too.</summary>
    public Task StopAsync(CancellationToken cancellationToken)
    {
        workspaces.RemoveNodeRootIfEmpty();
        return Task.CompletedTask;
    }
}
