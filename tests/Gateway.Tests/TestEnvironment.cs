using Comet.TestSupport;

namespace Comet.Gateway.Tests;

[SetUpFixture]
public sealed class TestEnvironment : CometEnvironmentSetUp;
