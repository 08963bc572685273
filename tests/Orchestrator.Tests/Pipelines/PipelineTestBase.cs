namespace Comet.Orchestrator.Tests.Pipelines;

/// <summary>
/// One orchestrator per fixture (SQLite in its own temp data folder, the real dispatcher, real git and real
/// processes), tuned so pipelines finish quickly: a short poll, room for parallel jobs, a short kill grace.
/// Fixtures run in parallel with each other; every test makes its own repository and project.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public abstract class PipelineTestBase
{
    private readonly System.Collections.Concurrent.ConcurrentBag<TestRepository> _repositories = [];

    protected OrchestratorFactory Factory { get; private set; } = null!;
    protected HttpClient Client { get; private set; } = null!;

    /// <summary>Settings a fixture adds to (or overrides in) the defaults below.</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    [OneTimeSetUp]
    public void StartOrchestrator()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Runner:PollInterval"] = "00:00:00.200",
            ["Runner:MaxParallelJobs"] = "8",
            ["Runner:KillGracePeriod"] = "00:00:01",
            ["Runner:GitTimeout"] = "00:00:30",
        };
        foreach (var (key, value) in ExtraSettings) settings[key] = value;
        Factory = new OrchestratorFactory(settings);
        Client = Factory.CreateSignedInClient();
    }

    [OneTimeTearDown]
    public void StopOrchestrator()
    {
        Client.Dispose();
        Factory.Dispose();
        foreach (var repository in _repositories) repository.Dispose();
    }

    /// <summary>A repository holding <paramref name="pipeline"/> and a project registered for it.</summary>
    protected async Task<(TestRepository Repository, CreatedProject Project)> ProjectWithAsync(string? pipeline,
        IReadOnlyDictionary<string, string>? files = null, string? forge = null)
    {
        var repository = TestRepository.Create(pipeline, files);
        _repositories.Add(repository);
        return (repository, await Client.CreateProjectAsync(repository.Url, forge));
    }
}
