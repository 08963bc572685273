using System.Reflection;

namespace Comet.Gateway.Tests.Units;

/// <summary>
/// The gateway stands in front of everything and holds no CI state: it must not carry the database stack or the
/// application's code, which a stray project reference would bring back silently.
/// </summary>
public sealed class GatewayDependencyTests
{
    private static readonly string[] Forbidden =
        ["Comet.Infrastructure", "Comet.Application", "Comet.Domain", "Microsoft.EntityFrameworkCore", "Npgsql", "Microsoft.Data.Sqlite"];

    [Test]
    public void The_gateway_assembly_references_no_database_or_application_assembly()
    {
        var references = typeof(GatewaySetup).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.That(references, Does.Contain("Comet.Hosting"));
        Assert.That(references.Where(name => Forbidden.Any(f => name.StartsWith(f, StringComparison.Ordinal))), Is.Empty);
    }

    [Test]
    public void The_gateways_dependency_file_lists_no_database_or_application_package()
    {
        var deps = Path.Combine(Path.GetDirectoryName(typeof(GatewaySetup).Assembly.Location)!, "Comet.Gateway.deps.json");
        var text = File.ReadAllText(deps);

        Assert.That(text, Does.Contain("Comet.Hosting"));
        foreach (var name in Forbidden)
            Assert.That(text, Does.Not.Contain($"\"{name}"));
    }
}
