using System.Globalization;
using Comet.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Comet.Orchestrator.Tests;

/// <summary>The orchestrator in memory, on SQLite in a data folder of its own that is deleted on dispose.</summary>
/// <remarks>Pass <paramref name="dataDir"/> to keep the folder after the host stops (the caller deletes it).</remarks>
public sealed class OrchestratorFactory(IReadOnlyDictionary<string, string?>? settings = null, string? dataDir = null)
    : WebApplicationFactory<Program>
{
    private readonly TempDirectory? _ownedDataDir = dataDir is null ? new TempDirectory("comet-orchestrator-test") : null;

    public string DataDir => dataDir ?? _ownedDataDir!.Path;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Comet:DataDir", DataDir);
        builder.UseSetting("Comet:OrchestratorPort", FreePort.Next().ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Database:Provider", "sqlite");
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _ownedDataDir?.Dispose();
    }
}
