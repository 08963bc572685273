using System.Net;
using System.Text.Json;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests;

public sealed class StructuredLoggingTests
{
    [Test]
    public async Task Log_file_in_the_data_folder_holds_one_json_object_per_line()
    {
        using var dataDir = new TempDirectory("comet-orchestrator-logs");
        var logFile = Path.Combine(dataDir.Path, "logs", "orchestrator.log");
        await using (var factory = new OrchestratorFactory(dataDir: dataDir.Path))
        {
            using var client = factory.CreateSignedInClient();
            using (var live = await client.GetAsync("/health/live"))
                Assert.That(live.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            using (var missing = await client.GetAsync("/api/v1/projects/missing"))
                Assert.That(missing.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        }

        // The host has stopped, so every entry is on disk before the file is read.
        Assert.That(File.Exists(logFile), Is.True, logFile);
        var lines = File.ReadAllLines(logFile).Where(l => l.Length > 0).ToList();
        Assert.That(lines, Is.Not.Empty);
        foreach (var line in lines)
        {
            JsonElement entry;
            try
            {
                using var document = JsonDocument.Parse(line);
                entry = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                Assert.Fail($"not a JSON line ({ex.Message}): {line}");
                return;
            }

            Assert.That(entry.ValueKind, Is.EqualTo(JsonValueKind.Object), line);
            Assert.Multiple(() =>
            {
                foreach (var field in new[] { "timestamp", "level", "category", "message" })
                    Assert.That(entry.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String, Is.True, $"{field} missing in {line}");
            });
            Assert.That(DateTimeOffset.TryParse(entry.GetProperty("timestamp").GetString(), out _), Is.True, line);
        }
        Assert.That(lines, Has.Some.Contain("Comet.Infrastructure.Persistence.CometDbContext"), "the start-up migration is logged");
        Assert.That(lines, Has.Some.Contain("Microsoft.Hosting.Lifetime"), "host start and stop are logged");
    }
}
