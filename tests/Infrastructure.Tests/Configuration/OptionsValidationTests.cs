using Comet.Infrastructure.Configuration;
using Comet.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;

namespace Comet.Infrastructure.Tests.Configuration;

public sealed class OptionsValidationTests
{
    [Test]
    public void An_unknown_database_provider_fails_naming_the_setting()
    {
        var result = new DatabaseOptionsValidator().Validate(null, new DatabaseOptions { Provider = "mysql" });

        Assert.Multiple(() =>
        {
            Assert.That(result.Failed, Is.True);
            Assert.That(result.FailureMessage, Does.Contain("Database:Provider").And.Contain("'mysql'"));
        });
    }

    [Test]
    public void Postgres_without_a_connection_string_fails_naming_the_connection_string()
    {
        var result = new DatabaseOptionsValidator().Validate(null, new DatabaseOptions { Provider = "postgres", ConnectionString = " " });

        Assert.Multiple(() =>
        {
            Assert.That(result.Failed, Is.True);
            Assert.That(result.FailureMessage, Does.Contain("ConnectionStrings:Comet"));
        });
    }

    [TestCase("sqlite", null)]
    [TestCase("SQLite", null)]
    [TestCase("postgres", "Host=db;Database=comet")]
    [TestCase("Postgres", "Host=db;Database=comet")]
    public void Supported_database_settings_pass(string provider, string? connectionString)
    {
        var result = new DatabaseOptionsValidator().Validate(null, new DatabaseOptions { Provider = provider, ConnectionString = connectionString });

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }

    [Test]
    public void Orchestrator_port_zero_fails_naming_the_setting()
    {
        var result = new CometOptionsValidator().Validate(null, new CometOptions { OrchestratorPort = 0 });

        Assert.Multiple(() =>
        {
            Assert.That(result.Failed, Is.True);
            Assert.That(result.FailureMessage, Does.Contain("Comet:OrchestratorPort"));
            Assert.That(result.FailureMessage, Does.Not.Contain("Comet:GatewayPort"));
        });
    }

    [TestCase(65536)]
    [TestCase(-1)]
    public void Gateway_port_out_of_range_fails_naming_the_setting(int port)
    {
        var result = new CometOptionsValidator().Validate(null, new CometOptions { GatewayPort = port });

        Assert.That(result.FailureMessage, Does.Contain("Comet:GatewayPort"));
    }

    [Test]
    public void Empty_data_dir_fails_naming_the_setting()
    {
        var result = new CometOptionsValidator().Validate(null, new CometOptions { DataDir = "" });

        Assert.That(result.FailureMessage, Does.Contain("Comet:DataDir"));
    }

    [Test]
    public void The_defaults_are_valid()
    {
        var result = new CometOptionsValidator().Validate(null, new CometOptions());

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }

    [TestCase("mysql", null, "Database:Provider")]
    [TestCase("postgres", null, "ConnectionStrings:Comet")]
    public void Bad_database_configuration_stops_the_start_with_a_clear_message(string provider, string? connectionString, string named)
    {
        using var dataDir = new TempDirectory("comet-infra-tests");
        var settings = new Dictionary<string, string?> { ["Comet:DataDir"] = dataDir.Path, ["Database:Provider"] = provider };
        if (connectionString is not null) settings["ConnectionStrings:Comet"] = connectionString;
        using var services = TestHost.BuildServices(settings);

        // What the hosts run at start for options registered with ValidateOnStart.
        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate())!;

        Assert.That(ex.Message, Does.Contain(named));
    }

    [Test]
    public void Bad_port_configuration_stops_the_start_with_a_clear_message()
    {
        using var dataDir = new TempDirectory("comet-infra-tests");
        using var services = TestHost.BuildServices(new Dictionary<string, string?>
        {
            ["Comet:DataDir"] = dataDir.Path,
            ["Comet:OrchestratorPort"] = "0",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate())!;

        Assert.That(ex.Message, Does.Contain("Comet:OrchestratorPort"));
    }

    [Test]
    public void Good_configuration_starts()
    {
        using var dataDir = new TempDirectory("comet-infra-tests");
        using var services = TestHost.BuildServices(new Dictionary<string, string?>
        {
            ["Comet:DataDir"] = dataDir.Path,
            ["Database:Provider"] = "sqlite",
            ["Comet:OrchestratorPort"] = "6000",
        });

        Assert.DoesNotThrow(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.That(services.GetRequiredService<IOptions<CometOptions>>().Value.OrchestratorPort, Is.EqualTo(6000));
    }
}
