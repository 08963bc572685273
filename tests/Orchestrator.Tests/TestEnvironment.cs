using Comet.TestSupport;

namespace Comet.Orchestrator.Tests;

[SetUpFixture]
public sealed class TestEnvironment : CometEnvironmentSetUp;
