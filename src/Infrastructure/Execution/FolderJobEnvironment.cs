using Comet.Application.Common.Interfaces;
using Comet.Hosting;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// What the local and sandbox environments share: a job folder on this machine, the checkout made there by the
/// server's git, and files found and placed through <see cref="IWorkspaceFiles"/>, which never leaves the workspace.
/// </summary>
internal abstract class FolderJobEnvironment(JobSetup setup, JobFolder folder, JobWorkspaces workspaces, IGitRepositories git,
    IWorkspaceFiles files) : IJobEnvironment
{
    protected JobSetup Setup { get; } = setup;

    protected JobFolder Folder { get; } = folder;

    public abstract string Workspace { get; }

    public abstract string Home { get; }

    public abstract string Description { get; }

    public virtual Task CheckoutAsync(CancellationToken cancellationToken) =>
        git.CheckoutAsync(Setup.ProjectId, Setup.Sha, Folder.Workspace, cancellationToken);

    public abstract Task<StepOutcome> RunStepAsync(StepLaunch launch, IStepLogWriter log, CancellationToken cancellationToken);

    public WorkspaceFileMatch Find(IReadOnlyList<string> globs, int maxFiles = 10_000) => files.Find(Folder.Workspace, globs, maxFiles);

    public Stream OpenRead(WorkspaceFile file) => File.OpenRead(file.FullPath);

    public virtual Stream? TryCreate(string relativePath, out string? refusal, bool executable = false) =>
        files.TryCreate(Folder.Workspace, relativePath, out refusal, executable);

    /// <summary>{job}/home/.comet-secrets (0700), one 0600 file per secret: not in the workspace, so no glob of artifacts or reports reaches it.</summary>
    public virtual async Task<string> PutSecretFileAsync(string name, string content, CancellationToken cancellationToken)
    {
        if (name.Contains('/') || name is "." or "..") throw new ArgumentException($"'{name}' is not a file name.", nameof(name));
        var folder = Path.Combine(Folder.Home, SecretFolder);
        PrivateFile.CreateFolder(folder);
        await using (var writer = PrivateFile.Create(Path.Combine(folder, name), overwrite: true))
            await writer.WriteAsync(content.AsMemory(), cancellationToken);
        return $"{Home.TrimEnd('/')}/{SecretFolder}/{name}";
    }

    private const string SecretFolder = ".comet-secrets";

    public virtual ValueTask DisposeAsync()
    {
        workspaces.Delete(Folder);
        return ValueTask.CompletedTask;
    }
}
