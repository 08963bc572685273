using System.Runtime.ExceptionServices;
using Comet.TestSupport;
using Microsoft.Extensions.Options;

namespace Comet.Orchestrator.Tests;

/// <summary>Configuration mistakes stop the host at start with a message that names the key.</summary>
[NonParallelizable]
public sealed class StartupValidationTests
{
    [Test]
    public void Unknown_database_provider_stops_the_host_naming_Database_Provider()
    {
        var failure = StartExpectingValidationFailure(new Dictionary<string, string?> { ["Database:Provider"] = "mysql" });

        Assert.That(failure.Message, Does.Contain("Database:Provider").And.Contain("mysql"));
    }

    [Test]
    public void Postgres_without_a_connection_string_stops_the_host_naming_ConnectionStrings_Comet()
    {
        var failure = StartExpectingValidationFailure(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:Comet"] = "",
        });

        Assert.That(failure.Message, Does.Contain("ConnectionStrings:Comet"));
    }

    [Test]
    public void Pipeline_limits_that_make_no_sense_stop_the_host_naming_each_key()
    {
        var failure = StartExpectingValidationFailure(new Dictionary<string, string?>
        {
            ["Pipelines:MaxJobsPerRun"] = "0",
            ["Pipelines:MaxExpandedBytes"] = "1000",
        });

        Assert.That(failure.Message, Does.Contain("Pipelines:MaxJobsPerRun must be at least 1, not 0"));
        Assert.That(failure.Message, Does.Contain("Pipelines:MaxExpandedBytes must be at least Pipelines:MaxFileBytes (1048576), not 1000"));
    }

    /// <summary>
    /// The host's entry point turns an <see cref="OptionsValidationException"/> into a line on stderr and exit
    /// code 2, so WebApplicationFactory only sees a host that never started. The exception itself is caught
    /// here as it is thrown, on the entry point's thread.
    /// </summary>
    private static OptionsValidationException StartExpectingValidationFailure(IReadOnlyDictionary<string, string?> settings)
    {
        var thrown = new List<OptionsValidationException>();
        void Record(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (e.Exception is OptionsValidationException validation)
                lock (thrown) thrown.Add(validation);
        }

        using var factory = new OrchestratorFactory(settings);
        AppDomain.CurrentDomain.FirstChanceException += Record;
        try
        {
            Assert.That(() => factory.CreateClient(), Throws.Exception, "the host must not start with this configuration");
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Record;
        }

        lock (thrown)
        {
            Assert.That(thrown, Is.Not.Empty, "start-up failed, but not with an OptionsValidationException");
            return thrown[0];
        }
    }

    [Test]
    public async Task Built_binary_with_an_unknown_database_provider_exits_with_code_2_naming_Database_Provider()
    {
        var (exitCode, stderr) = await RunBinaryAsync(new Dictionary<string, string> { ["Database__Provider"] = "mysql" });

        Assert.That(exitCode, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.Contain("Database:Provider"));
    }

    [Test]
    public async Task A_sandbox_account_that_does_not_exist_stops_the_server_in_one_line_instead_of_running_steps_unsandboxed()
    {
        var (exitCode, stderr) = await RunBinaryAsync(new Dictionary<string, string> { ["Runner__SandboxUser"] = "no-such-comet-account" });

        Assert.Multiple(() =>
        {
            Assert.That(exitCode, Is.EqualTo(2), stderr);
            Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), stderr);
            Assert.That(stderr, Does.Contain("the sandbox backend cannot run").And.Contain("no-such-comet-account"));
        });
    }

    [Test]
    public async Task Root_as_the_sandbox_account_is_refused_at_start()
    {
        Assume.That(Environment.UserName, Is.EqualTo("root"), "only a server running as root switches accounts");

        var (exitCode, stderr) = await RunBinaryAsync(new Dictionary<string, string> { ["Runner__SandboxUser"] = "root" });

        Assert.That(exitCode, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.Contain("unprivileged"));
    }

    [Test]
    public async Task An_unknown_backend_stops_the_server_naming_Runner_Backend()
    {
        var (exitCode, stderr) = await RunBinaryAsync(new Dictionary<string, string> { ["Runner__Backend"] = "docker" });

        Assert.That(exitCode, Is.EqualTo(2), stderr);
        Assert.That(stderr, Does.Contain("Runner:Backend").And.Contain("sandbox, local"));
    }

    /// <summary>The built orchestrator as a process of its own in a fresh data folder: its exit code and stderr.</summary>
    private static async Task<(int ExitCode, string Stderr)> RunBinaryAsync(IReadOnlyDictionary<string, string> environment)
    {
        using var dataDir = new TempDirectory("comet-orchestrator-binary");
        var (exitCode, _, stderr) = await OrchestratorBinary.RunAsync(dataDir.Path, [], environment, TimeSpan.FromSeconds(30));
        return (exitCode, stderr);
    }
}
