using Comet.Orchestrator.Tests.Pipelines;

namespace Comet.Orchestrator.Tests.Testing;

/// <summary>Artifacts:MaxFileBytes and Artifacts:MaxJobBytes, set small here: what passes a limit is not kept, and the job says so.</summary>
public sealed class ArtifactLimitTests : PipelineTestBase
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Artifacts:MaxFileBytes"] = "1000",
        ["Artifacts:MaxJobBytes"] = "2500",
    };

    [Test]
    public async Task A_file_over_the_file_limit_and_files_past_the_job_limit_are_not_kept_and_become_warnings()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              build:
                steps:
                  - run: |
                      mkdir -p dist
                      head -c 1500 /dev/zero > dist/big.bin
                      for name in a b c; do head -c 900 /dev/zero | tr '\0' "$name" > "dist/$name.txt"; done
                artifacts: ["dist/**"]
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), $"a limit is a warning, not a failure: {run}");
        var artifacts = await Client.ListArtifactsAsync(run.Id);
        var kept = artifacts.Select(a => a.Str("path")).ToList();
        var warnings = await Client.JobWarningsAsync(run.Id, "build");
        Assert.Multiple(() =>
        {
            Assert.That(kept, Does.Not.Contain("dist/big.bin"), "over the 1000-byte file limit");
            Assert.That(kept, Has.Count.EqualTo(2), "two 900-byte files fit in 2500 bytes, a third does not");
            Assert.That(artifacts.Sum(a => a.GetProperty("size").GetInt64()), Is.LessThanOrEqualTo(2500));
            Assert.That(warnings, Has.Some.Contains("dist/big.bin"));
            var refused = new[] { "dist/a.txt", "dist/b.txt", "dist/c.txt" }.Except(kept).Single();
            Assert.That(warnings, Has.Some.Contains(refused), "the file past the job limit is named");
        });
    }
}
