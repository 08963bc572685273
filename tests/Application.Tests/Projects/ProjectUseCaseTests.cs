using Comet.Application.Projects;
using Comet.Application.Projects.Commands;
using Comet.TestSupport;

namespace Comet.Application.Tests.Projects;

/// <summary>
/// The project use cases sent through MediatR against a real database. Every test runs twice:
/// once on SQLite, once on PostgreSQL (ignored locally when COMET_TEST_POSTGRES is not set).
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
public sealed partial class ProjectUseCaseTests(string providerName)
{
    private readonly DatabaseProvider _provider = DatabaseProviders.Parse(providerName);
    private TestHost? _host;

    private TestHost Host => _host ?? throw new InvalidOperationException("SetUp did not run.");

    [SetUp]
    public async Task StartHost() => _host = await TestHost.StartAsync(_provider);

    [TearDown]
    public async Task StopHost()
    {
        if (_host is not null) await _host.DisposeAsync();
        _host = null;
    }

    private Task<CreatedProjectDto> CreateAsync(string name, string repoUrl = "https://example.org/team/repo.git",
        string? forge = null, string? defaultBranch = null, string? pipelineFile = null) =>
        Host.SendAsync(new CreateProjectCommand
        {
            Name = name,
            RepoUrl = repoUrl,
            Forge = forge,
            DefaultBranch = defaultBranch,
            PipelineFile = pipelineFile,
        });
}
