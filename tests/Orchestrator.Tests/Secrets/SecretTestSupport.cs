using Comet.Application.Common.Interfaces;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Orchestrator.Tests.Secrets;

internal static class SecretTestSupport
{
    /// <summary>Reads through the host's own database context, in a scope of its own.</summary>
    public static Task<T> WithDbAsync<T>(this OrchestratorFactory factory, Func<ICometDbContext, T> read)
    {
        using var scope = factory.Services.CreateScope();
        return Task.FromResult(read(scope.ServiceProvider.GetRequiredService<ICometDbContext>()));
    }

    /// <summary>The SQLite database's files as text (with its write-ahead log, where recent writes still are).</summary>
    public static string DatabaseFilesText(string dataDir) =>
        string.Concat(new[] { "comet.db", "comet.db-wal" }.Select(f => Path.Combine(dataDir, f)).Where(File.Exists)
            .Select(f => System.Text.Encoding.Latin1.GetString(File.ReadAllBytes(f))));
}
