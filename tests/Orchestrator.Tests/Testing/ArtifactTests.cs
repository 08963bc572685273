using System.Text;
using Comet.Orchestrator.Tests.Pipelines;
using Comet.TestSupport;

namespace Comet.Orchestrator.Tests.Testing;

/// <summary>
/// Artifacts: what a job's globs match is stored, listed with size and sha256, downloaded as the same bytes and placed
/// in the workspace of the jobs that need it; when: decides on success or failure; nothing outside the workspace is
/// ever stored, whether a glob climbs out or a symlink points out.
/// </summary>
public sealed class ArtifactTests : PipelineTestBase
{
    private static readonly byte[] AppText = Encoding.UTF8.GetBytes("hello artifact\n");

    /// <summary>Four bytes no text file has, then 2000 numbered rows: what the build step's printf loop writes.</summary>
    private static readonly byte[] BinaryFile =
        [0x00, 0x01, 0xFF, 0xFE, .. Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(1, 2000).Select(i => $"row {i}\n")))];

    [Test]
    public async Task A_jobs_artifacts_are_listed_with_size_and_sha256_download_as_the_same_bytes_and_reach_the_job_that_needs_them()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              build:
                steps:
                  - run: |
                      mkdir -p dist/sub
                      printf 'hello artifact\n' > dist/app.txt
                      { printf '\000\001\377\376'; for i in $(seq 1 2000); do printf 'row %d\n' "$i"; done; } > dist/sub/b.bin
                      echo "not an artifact" > notes.txt
                artifacts: ["dist/**"]
              use:
                needs: [build]
                steps:
                  - run: |
                      cat dist/app.txt
                      sha256sum dist/sub/b.bin
                      test ! -e notes.txt && echo "only the artifacts came over"
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var build = run.Job("build");
        var artifacts = await Client.ListArtifactsAsync(run.Id);
        Assert.That(artifacts.Select(a => a.Str("path")), Is.EquivalentTo(new[] { "dist/app.txt", "dist/sub/b.bin" }),
            "the glob's files, and only those");
        foreach (var (path, expected) in new[] { ("dist/app.txt", AppText), ("dist/sub/b.bin", BinaryFile) })
        {
            var artifact = artifacts.Artifact("build", path);
            var createdAt = artifact.GetProperty("createdAt").GetDateTime();
            Assert.Multiple(() =>
            {
                Assert.That(artifact.Str("jobId"), Is.EqualTo(build.Id.ToString()), path);
                Assert.That(artifact.Int("attempt"), Is.EqualTo(1), path);
                Assert.That(artifact.GetProperty("size").GetInt64(), Is.EqualTo(expected.Length), path);
                Assert.That(artifact.Str("sha256"), Is.EqualTo(TestingApi.Sha256Hex(expected)).IgnoreCase, path);
                Assert.That(artifact.GetProperty("expiresAt").GetDateTime(), Is.EqualTo(createdAt.AddDays(30)).Within(TimeSpan.FromMinutes(5)),
                    $"{path}: the default expiry is 30 days");
            });
            Assert.That(await Client.DownloadAsync(run.Id, artifact), Is.EqualTo(expected), $"{path} downloads as the bytes the step wrote");
        }

        var lines = PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("use")));
        Assert.That(lines, Is.SupersetOf(new[]
        {
            "hello artifact",
            $"{TestingApi.Sha256Hex(BinaryFile)}  dist/sub/b.bin",
            "only the artifacts came over",
        }), "the job that needs build finds its artifacts in its workspace");
    }

    [Test]
    public async Task An_executable_artifact_stays_executable_in_the_job_that_needs_it_and_a_plain_file_stays_plain()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              build:
                steps:
                  - run: |
                      mkdir -p dist
                      printf '#!/bin/sh\necho "the tool ran"\n' > dist/tool
                      chmod 755 dist/tool
                      echo data > dist/data.txt
                artifacts: ["dist/*"]
              use:
                needs: [build]
                steps:
                  - run: |
                      ./dist/tool
                      test ! -x dist/data.txt && echo "data is not executable"
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run + "\n" + await Client.ReadLogAsync(run, run.Job("use")));
        Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("use"))),
            Is.SupersetOf(new[] { "the tool ran", "data is not executable" }));
    }

    [Test]
    public async Task Artifacts_are_kept_on_failure_only_when_asked_and_the_list_form_keeps_them_on_success_only()
    {
        static string Job(string name, bool fails, string artifacts) => $$"""
              {{name}}:
                steps:
                  - run: mkdir -p out && echo "{{name}}" > out/{{name}}.txt{{(fails ? " && exit 1" : "")}}
                artifacts: {{artifacts}}

            """;
        const string onFailure = "{ paths: [\"out/**\"], when: on_failure }";
        const string always = "{ paths: [\"out/**\"], when: always }";
        const string onSuccess = "{ paths: [\"out/**\"], when: on_success }";
        const string list = "[\"out/**\"]";
        var (_, project) = await ProjectWithAsync("jobs:\n" +
            Job("failed-on-failure", fails: true, onFailure) + Job("passed-on-failure", fails: false, onFailure) +
            Job("failed-always", fails: true, always) + Job("passed-always", fails: false, always) +
            Job("failed-on-success", fails: true, onSuccess) + Job("passed-on-success", fails: false, onSuccess) +
            Job("failed-list", fails: true, list) + Job("passed-list", fails: false, list));

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Jobs, Has.Count.EqualTo(8), run.ToString());
        Assert.That(run.Jobs.Where(j => j.Status == "failed").Select(j => j.Name), Is.EquivalentTo(new[]
        {
            "failed-on-failure", "failed-always", "failed-on-success", "failed-list",
        }), run.ToString());
        var artifacts = await Client.ListArtifactsAsync(run.Id);
        Assert.That(artifacts.Select(a => (a.Str("jobName"), a.Str("path"))), Is.EquivalentTo(new[]
        {
            ("failed-on-failure", "out/failed-on-failure.txt"),
            ("failed-always", "out/failed-always.txt"),
            ("passed-always", "out/passed-always.txt"),
            ("passed-on-success", "out/passed-on-success.txt"),
            ("passed-list", "out/passed-list.txt"),
        }));
        var kept = artifacts.Artifact("failed-on-failure", "out/failed-on-failure.txt");
        Assert.That(Encoding.UTF8.GetString(await Client.DownloadAsync(run.Id, kept)), Is.EqualTo("failed-on-failure\n"));
    }

    [Test]
    public async Task Symlinks_out_of_the_workspace_are_not_stored_and_the_job_warning_names_them()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              package:
                steps:
                  - run: |
                      mkdir -p out
                      echo "release notes" > out/notes.txt
                      ln -s /etc/passwd out/leak.txt
                      ln -s ../../../../../../../../../../etc/passwd out/climb.txt
                      ln -s /etc out/etc-link
                      mkfifo out/pipe
                      ls -l out
                artifacts: ["out/**"]
              unpack:
                needs: [package]
                steps:
                  - run: |
                      ls -la out
                      if grep -Rqs "root:" out; then echo "passwd leaked"; else echo "no passwd here"; fi
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), $"a refused path is a warning, not a failure: {run}");
        var artifacts = await Client.ListArtifactsAsync(run.Id);
        Assert.That(artifacts.Select(a => a.Str("path")), Is.EqualTo(new[] { "out/notes.txt" }), "only the real file inside the workspace");
        foreach (var artifact in artifacts)
            Assert.That(Encoding.UTF8.GetString(await Client.DownloadAsync(run.Id, artifact)), Does.Not.Contain("root:"));
        var warnings = await Client.JobWarningsAsync(run.Id, "package");
        Assert.Multiple(() =>
        {
            Assert.That(warnings, Has.Some.Contains("leak.txt"), "the absolute symlink to /etc/passwd");
            Assert.That(warnings, Has.Some.Contains("climb.txt"), "the relative symlink that climbs out");
            Assert.That(warnings, Has.Some.Contains("etc-link"), "the symlink to the /etc folder");
            Assert.That(warnings, Has.Some.Contains("out/pipe"), "a named pipe is not read (nothing would ever write to it)");
            Assert.That(string.Join("\n", warnings), Does.Not.Contain("root:"));
        });
        Assert.That(PipelineApi.LogLines(await Client.ReadLogAsync(run, run.Job("unpack"))), Does.Contain("no passwd here"),
            "the job that needs package got no copy of /etc/passwd");
    }

    [Test]
    public async Task A_needed_artifact_is_not_written_through_a_link_the_repository_puts_in_its_path()
    {
        using var outside = new TempDirectory("comet-outside");
        var (repository, project) = await ProjectWithAsync("""
            jobs:
              build:
                steps:
                  - run: |
                      rm dist && mkdir dist
                      echo "planted" > dist/app.txt
                artifacts: ["dist/**"]
              use:
                needs: [build]
                steps:
                  - run: ls -la dist || true
            """);
        // A commit that makes dist a link out of the workspace: placing dist/app.txt would write into that folder.
        File.CreateSymbolicLink(Path.Combine(repository.Path, "dist"), outside.Path);
        repository.Commit(new Dictionary<string, string>(), "dist is a link");

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        Assert.That((await Client.ListArtifactsAsync(run.Id)).Select(a => a.Str("path")), Is.EqualTo(new[] { "dist/app.txt" }));
        Assert.That(Directory.GetFileSystemEntries(outside.Path), Is.Empty, "nothing was written through the link");
        Assert.That(await Client.JobWarningsAsync(run.Id, "use"), Has.Some.Contains("dist/app.txt"), "the artifact that was not placed is named");
    }

    [Test]
    public async Task An_artifact_with_quotes_unicode_or_a_newline_in_its_name_downloads_under_its_name_without_breaking_the_headers()
    {
        var (_, project) = await ProjectWithAsync("""
            jobs:
              build:
                steps:
                  - run: |
                      mkdir -p dist
                      printf 'quoted\n' > 'dist/résumé "final".txt'
                      printf 'evil\n' > "dist/evil"$'\n'"X-Injected: yes.txt"
                artifacts: ["dist/*"]
            """);

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.That(run.Status, Is.EqualTo("success"), run.ToString());
        var artifacts = await Client.ListArtifactsAsync(run.Id);
        Assert.That(artifacts.Select(a => a.Str("path")), Is.EquivalentTo(new[] { "dist/résumé \"final\".txt", "dist/evil\nX-Injected: yes.txt" }));
        foreach (var (path, content) in new[] { ("dist/résumé \"final\".txt", "quoted\n"), ("dist/evil\nX-Injected: yes.txt", "evil\n") })
        {
            using var response = await Client.GetAsync(TestingApi.DownloadPath(run.Id, artifacts.Artifact("build", path)));
            Assert.Multiple(async () =>
            {
                Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK), path);
                Assert.That(await response.Content.ReadAsStringAsync(), Is.EqualTo(content), path);
                Assert.That(response.Headers.Contains("X-Injected") || response.Content.Headers.Contains("X-Injected"), Is.False,
                    "a newline in a file name does not start a header");
                var disposition = response.Content.Headers.ContentDisposition;
                Assert.That(disposition?.DispositionType, Is.EqualTo("attachment"), path);
                Assert.That(disposition?.FileNameStar ?? disposition?.FileName?.Trim('"'), Is.EqualTo(path[(path.LastIndexOf('/') + 1)..]), path);
            });
        }
    }

    [TestCase("artifacts: [\"../x\"]", "../x")]
    [TestCase("artifacts: { paths: [\"dist/../../x\"], when: always }", "dist/../../x")]
    [TestCase("artifacts: [\"/etc/passwd\"]", "/etc/passwd")]
    [TestCase("reports: { junit: [\"../../results/*.xml\"] }", "../../results/*.xml")]
    public async Task A_path_that_leaves_the_workspace_fails_lint_and_the_run_ends_in_error_naming_it(string key, string path)
    {
        var (_, project) = await ProjectWithAsync($"jobs:\n  build:\n    steps:\n      - run: echo build\n    {key}\n");

        var run = await Client.TriggerAndWaitAsync(project.Slug);

        Assert.Multiple(() =>
        {
            Assert.That(run.Status, Is.EqualTo("error"), run.ToString());
            Assert.That(run.Jobs, Is.Empty, "nothing ran");
            Assert.That(run.Error, Does.Contain(".comet.yml"));
            Assert.That(run.Error, Does.Contain("line 5"));
            Assert.That(run.Error, Does.Contain($"'{path}'").And.Contain("workspace"), "the message names the path and why it is refused");
        });
    }
}
