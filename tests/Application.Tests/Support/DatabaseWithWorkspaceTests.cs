using Comet.Application.Common.Interfaces;
using Comet.Infrastructure.Execution;
using Comet.TestSupport;

namespace Comet.Application.Tests.Support;

/// <summary>
/// A fixture base for use cases that read a job's workspace and write the database: a fresh database per test (on
/// the provider the fixture was made for) and an empty workspace folder.
/// </summary>
public abstract class DatabaseWithWorkspaceTests(string providerName, string workspacePrefix)
{
    /// <summary>The host's clock starts here.</summary>
    protected static readonly DateTime T0 = TestHost.StartTime.UtcDateTime;

    private readonly DatabaseProvider _provider = DatabaseProviders.Parse(providerName);
    private TestHost? _host;
    private TempDirectory? _workspace;

    protected TestHost Host => _host ?? throw new InvalidOperationException("SetUp did not run.");
    protected string Workspace => (_workspace ?? throw new InvalidOperationException("SetUp did not run.")).Path;

    /// <summary>The workspace through the job-files seam the collectors read and write, as a folder backend serves it.</summary>
    protected IJobFiles WorkspaceFiles => new FolderFiles(Workspace);

    [SetUp]
    public async Task StartHost()
    {
        _host = await TestHost.StartAsync(_provider);
        _workspace = new TempDirectory(workspacePrefix);
    }

    [TearDown]
    public async Task StopHost()
    {
        if (_host is not null) await _host.DisposeAsync();
        _host = null;
        _workspace?.Dispose();
        _workspace = null;
    }
}

/// <summary>A job's files in a plain folder, found and placed by the real <see cref="Infrastructure.Execution.WorkspaceFiles"/>.</summary>
internal sealed class FolderFiles(string workspace) : IJobFiles
{
    private readonly WorkspaceFiles _files = new();

    public WorkspaceFileMatch Find(IReadOnlyList<string> globs, int maxFiles = 10_000) => _files.Find(workspace, globs, maxFiles);

    public Stream OpenRead(WorkspaceFile file) => File.OpenRead(file.FullPath);

    public Stream? TryCreate(string relativePath, out string? refusal, bool executable = false) =>
        _files.TryCreate(workspace, relativePath, out refusal, executable);
}
