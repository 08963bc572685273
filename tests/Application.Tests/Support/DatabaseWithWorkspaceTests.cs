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
