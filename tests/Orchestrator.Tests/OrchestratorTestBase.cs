namespace Comet.Orchestrator.Tests;

/// <summary>One orchestrator (SQLite in its own temp data folder) shared by the tests of a fixture.</summary>
public abstract class OrchestratorTestBase
{
    protected OrchestratorFactory Factory { get; private set; } = null!;
    protected HttpClient Client { get; private set; } = null!;

    [OneTimeSetUp]
    public void StartOrchestrator()
    {
        Factory = new OrchestratorFactory();
        Client = Factory.CreateSignedInClient();
    }

    [OneTimeTearDown]
    public void StopOrchestrator()
    {
        Client.Dispose();
        Factory.Dispose();
    }
}
