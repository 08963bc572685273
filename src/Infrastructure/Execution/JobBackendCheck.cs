using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Execution;
using Comet.Infrastructure.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// At start: the sandbox backend must work here, or the server refuses to start and says why in one line; it never
/// falls back to running steps unsandboxed. The local backend is an explicit choice, and a warning says what it means.
/// </summary>
public sealed class JobBackendCheck(IJobBackend backend, ILogger<JobBackendCheck> logger) : IHostedService
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

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
