using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Testing;

/// <summary>
/// The expiry sweep, run every half second here: an artifact past its expire_in leaves the list, its downloads answer
/// 404 and its blob leaves the data folder, while an artifact still in date, and a blob it shares, stay.
/// </summary>
public sealed class ArtifactSweepTests : PipelineTestBase
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Artifacts:SweepInterval"] = "00:00:00.500",
        // An unreferenced blob is otherwise kept ten minutes, in case a job is storing an artifact that will refer to it.
        // A second (not zero) keeps a sweep from taking a blob a job has just written but not yet recorded.
        ["Artifacts:OrphanGrace"] = "00:00:01",
    };

    private string BlobPath(string sha256) =>
        Path.Combine(Factory.DataDir, "artifacts", "sha256", sha256[..2], sha256);

    [Test]
    public async Task An_expired_artifact_is_swept_from_the_list_the_downloads_and_the_data_folder_but_a_shared_blob_stays()
    {
        var unique = "short-lived " + Guid.NewGuid().ToString("N") + "\n";
        var shared = "shared " + Guid.NewGuid().ToString("N") + "\n";
        var (_, project) = await ProjectWithAsync("""
            jobs:
              short:
                steps:
                  - run: |
                      mkdir -p dist
                      printf '%s\n' "$UNIQUE" > dist/gone.txt
                      printf '%s\n' "$SHARED" > dist/shared.txt
                artifacts:
                  paths: ["dist/**"]
                  expire_in: 3s
              long:
                steps:
                  - run: |
                      mkdir -p keep
                      printf '%s\n' "$SHARED" > keep/shared.txt
                artifacts: ["keep/**"]
            """);
        var uniqueSha = TestingApi.Sha256Hex(Encoding.UTF8.GetBytes(unique));
        var sharedSha = TestingApi.Sha256Hex(Encoding.UTF8.GetBytes(shared));

        var run = await Client.TriggerAndWaitAsync(project.Slug, new Dictionary<string, string>
        {
            ["UNIQUE"] = unique.TrimEnd('\n'),
            ["SHARED"] = shared.TrimEnd('\n'),
        });

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var before = await Client.ListArtifactsAsync(run.Id);
        var gone = before.Artifact("short", "dist/gone.txt");
        var kept = before.Artifact("long", "keep/shared.txt");
        Assert.Multiple(() =>
        {
            Assert.That(before, Has.Count.EqualTo(3), string.Join(", ", before.Select(TestingApi.Describe)));
            Assert.That(gone.Str("sha256"), Is.EqualTo(uniqueSha).IgnoreCase);
            Assert.That(kept.Str("sha256"), Is.EqualTo(sharedSha).IgnoreCase);
            Assert.That(gone.GetProperty("expiresAt").GetDateTime() - gone.GetProperty("createdAt").GetDateTime(),
                Is.EqualTo(TimeSpan.FromSeconds(3)).Within(TimeSpan.FromSeconds(1)), "expire_in: 3s");
            Assert.That(File.Exists(BlobPath(uniqueSha)), Is.True, $"the blob is stored at {BlobPath(uniqueSha)}");
            Assert.That(File.ReadAllText(BlobPath(uniqueSha)), Is.EqualTo(unique));
            Assert.That(File.Exists(BlobPath(sharedSha)), Is.True, "one blob for the two files with the same content");
        });
        var signed = await Client.CreateSignedUrlAsync(run.Id, gone);
        Assert.That(signed.GetProperty("expiresAt").GetDateTime(), Is.LessThanOrEqualTo(gone.GetProperty("expiresAt").GetDateTime()),
            "a signed URL does not outlive its artifact, though an hour was asked for");

        var after = await WaitForSweepAsync(run.Id, "dist/gone.txt");
        await WaitUntilAsync(() => !File.Exists(BlobPath(uniqueSha)), TimeSpan.FromSeconds(5));

        Assert.Multiple(() =>
        {
            Assert.That(after.Select(a => (a.Str("jobName"), a.Str("path"))), Is.EqualTo(new[] { ("long", "keep/shared.txt") }),
                "both of short's artifacts expired; long's default expiry is 30 days");
            Assert.That(File.Exists(BlobPath(uniqueSha)), Is.False, "the blob no artifact references is deleted");
            Assert.That(File.Exists(BlobPath(sharedSha)), Is.True, "the blob long's artifact still references stays");
        });
        using var download = await Client.GetAsync(TestingApi.DownloadPath(run.Id, gone));
        Assert.That(download.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), await download.Content.ReadAsStringAsync());
        using var anonymous = Factory.CreateClient();
        using var viaSignedUrl = await anonymous.GetAsync(signed.Str("url"));
        await viaSignedUrl.ReadProblemAsync(HttpStatusCode.Forbidden); // it expired with its artifact
        Assert.That(await Client.DownloadAsync(run.Id, kept), Is.EqualTo(Encoding.UTF8.GetBytes(shared)), "the artifact in date still downloads");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < timeout) await Task.Delay(100);
    }

    /// <summary>Polls the run's artifacts until <paramref name="path"/> is gone from the list; fails after 20 seconds.</summary>
    private async Task<List<JsonElement>> WaitForSweepAsync(Guid runId, string path)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var artifacts = await Client.ListArtifactsAsync(runId);
            if (artifacts.All(a => a.Str("path") != path)) return artifacts;
            if (clock.Elapsed > TimeSpan.FromSeconds(20))
                Assert.Fail($"{path} was still listed 20 s later: {string.Join(", ", artifacts.Select(TestingApi.Describe))}");
            await Task.Delay(200);
        }
    }
}
