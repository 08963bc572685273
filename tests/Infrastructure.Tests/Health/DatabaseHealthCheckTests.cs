using Comet.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Comet.Infrastructure.Tests.Health;

public sealed class DatabaseHealthCheckTests
{
    [Test]
    public async Task Postgres_on_a_closed_port_is_unhealthy()
    {
        using var dataDir = new TempDirectory("comet-infra-tests");
        var port = FreePort.Next();
        await using var services = TestHost.BuildServices(new Dictionary<string, string?>
        {
            ["Comet:DataDir"] = dataDir.Path,
            ["Database:Provider"] = "postgres",
            ["ConnectionStrings:Comet"] = $"Host=127.0.0.1;Port={port};Username=comet;Password=comet;Database=comet;Timeout=5;Pooling=false",
        });

        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains("ready"));

        var entry = report.Entries["database"];
        Assert.Multiple(() =>
        {
            Assert.That(report.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(entry.Status, Is.EqualTo(HealthStatus.Unhealthy));
            Assert.That(entry.Description, Does.StartWith("The database does not answer"));
        });
    }
}
