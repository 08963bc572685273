using NUnit.Framework;

namespace Comet.TestSupport;

/// <summary>
/// The hosts let COMET_DATA_DIR and the COMET_*_PORT variables win over settings given in code. A developer
/// shell that exports them would point in-process hosts at a real data folder, so a test assembly that
/// hosts Comet in process derives a [SetUpFixture] from this; child processes get their values explicitly.
/// </summary>
public abstract class CometEnvironmentSetUp
{
    [OneTimeSetUp]
    public void ClearCometVariables()
    {
        foreach (var name in new[] { "COMET_DATA_DIR", "COMET_ORCHESTRATOR_PORT", "COMET_GATEWAY_PORT" })
            Environment.SetEnvironmentVariable(name, null);
    }
}
