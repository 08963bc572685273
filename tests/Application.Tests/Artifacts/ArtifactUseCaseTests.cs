using System.Security.Cryptography;
using System.Text;
using Comet.Application.Artifacts;
using Comet.Application.Artifacts.Commands;
using Comet.Application.Artifacts.Queries;
using Comet.Application.Common.Exceptions;
using Comet.Application.Common.Interfaces;
using Comet.Application.Pipelines;
using Comet.Domain.Artifacts;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Comet.Infrastructure.Persistence;
using Comet.Application.Tests.Support;
using Comet.TestSupport;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Application.Tests.Artifacts;

/// <summary>
/// Artifacts through the collector, the placing of needed artifacts, the queries and the sweep, against a real
/// database and the real content-addressed store in the host's data folder. Every test runs on SQLite and on
/// PostgreSQL (ignored locally when COMET_TEST_POSTGRES is not set).
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
public sealed class ArtifactUseCaseTests(string providerName) : DatabaseWithWorkspaceTests(providerName, "comet-artifact-workspace")
{
    // ---------------------------------------------------------------- collecting

    [Test]
    public async Task Collecting_keeps_the_matching_files_once_per_content_with_their_expiry_and_warns_of_a_glob_that_matched_nothing()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, J("build", 2));
        var binary = Enumerable.Range(0, 1024).Select(i => (byte)(i % 256)).ToArray();
        Write("dist/app.bin", binary);
        Write("dist/copy.bin", binary);
        Write("dist/sub/readme.txt", "read me\n");
        Write("build.log", "compiled\n");
        Write("notes.txt", "not kept\n");

        await CollectArtifactsAsync(Host.Services, run.JobOf("build", 2).Id,
            new ArtifactDefinition(["dist/**", "build.log", "missing/**"], ArtifactWhen.OnSuccess, TimeSpan.FromDays(7)), succeeded: true);

        var rows = await ArtifactsOfAsync(run.Id);
        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(a => (a.Path, a.Size, a.Sha256)), Is.EqualTo(new[]
            {
                ("build.log", 9L, Sha("compiled\n")),
                ("dist/app.bin", 1024L, Sha(binary)),
                ("dist/copy.bin", 1024L, Sha(binary)),
                ("dist/sub/readme.txt", 8L, Sha("read me\n")),
            }));
            Assert.That(rows.Select(a => (a.ProjectId, a.RunId, a.JobId, a.JobName, a.Attempt, a.CreatedAt, a.ExpiresAt)).Distinct(),
                Is.EqualTo(new[] { (project.Id, run.Id, run.JobOf("build", 2).Id, "build", 2, T0, T0.AddDays(7)) }));
            Assert.That(File.ReadAllBytes(BlobPath(Sha(binary))), Is.EqualTo(binary), "stored under its SHA-256");
            Assert.That(File.ReadAllText(BlobPath(Sha("read me\n"))), Is.EqualTo("read me\n"));
            Assert.That(Directory.GetFiles(Path.Combine(Host.DataDir.Path, "artifacts", "sha256"), "*", SearchOption.AllDirectories), Has.Length.EqualTo(3),
                "the same content kept twice is stored once");
        });
        Assert.That(await WarningsOfAsync(run.JobOf("build", 2).Id), Is.EqualTo(new[] { "artifacts: no file matched 'missing/**'" }));
    }

    [TestCase(ArtifactWhen.OnSuccess, true, 1)]
    [TestCase(ArtifactWhen.OnSuccess, false, 0)]
    [TestCase(ArtifactWhen.OnFailure, true, 0)]
    [TestCase(ArtifactWhen.OnFailure, false, 1)]
    [TestCase(ArtifactWhen.Always, true, 1)]
    [TestCase(ArtifactWhen.Always, false, 1)]
    public async Task Collecting_follows_the_when_rule(ArtifactWhen when, bool succeeded, int kept)
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, J("build", 1));
        Write("out/result.txt", "result\n");

        await CollectArtifactsAsync(Host.Services, run.JobOf("build", 1).Id, new ArtifactDefinition(["out/*"], when, null), succeeded);

        Assert.That((await ArtifactsOfAsync(run.Id)).Select(a => (a.Path, a.ExpiresAt)),
            Is.EqualTo(Enumerable.Repeat(("out/result.txt", T0.AddDays(30)), kept)), "kept for the default 30 days");
    }

    [Test]
    public async Task Collecting_keeps_files_within_the_configured_limits_and_warns_of_the_rest()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, J("build", 1));
        Write("a.bin", new byte[80]);
        Write("b.bin", Enumerable.Repeat((byte)1, 120).ToArray());
        Write("c.bin", Enumerable.Repeat((byte)2, 60).ToArray());
        Write("d.bin", Enumerable.Repeat((byte)3, 20).ToArray());
        await using var limited = TestHost.BuildServices(new Dictionary<string, string?>(Host.Settings)
        {
            ["Artifacts:MaxFileBytes"] = "100",
            ["Artifacts:MaxJobBytes"] = "150",
            ["Artifacts:DefaultExpiry"] = "2.00:00:00",
        }, Host.Clock);

        await CollectArtifactsAsync(limited, run.JobOf("build", 1).Id, new ArtifactDefinition(["*.bin"], ArtifactWhen.Always, null), succeeded: true);

        Assert.That((await ArtifactsOfAsync(run.Id)).Select(a => (a.Path, a.Size, a.ExpiresAt)), Is.EqualTo(new[]
        {
            ("a.bin", 80L, T0.AddDays(2)),
            ("c.bin", 60L, T0.AddDays(2)),
        }));
        Assert.That(await WarningsOfAsync(run.JobOf("build", 1).Id), Is.EqualTo(new[]
        {
            "artifacts: b.bin was not kept: it has 120 bytes, more than the limit of 100 bytes per file",
            "artifacts: d.bin was not kept: the job's artifacts would pass the limit of 150 bytes per job",
        }));
    }

    [Test]
    public async Task Collecting_keeps_at_most_the_configured_number_of_files_in_path_order()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, J("build", 1));
        foreach (var name in new[] { "e", "a", "d", "b", "c" }) Write($"out/{name}.txt", name);
        await using var limited = TestHost.BuildServices(new Dictionary<string, string?>(Host.Settings) { ["Artifacts:MaxFilesPerJob"] = "3" }, Host.Clock);

        await CollectArtifactsAsync(limited, run.JobOf("build", 1).Id, new ArtifactDefinition(["out/*"], ArtifactWhen.OnSuccess, null), succeeded: true);

        Assert.That((await ArtifactsOfAsync(run.Id)).Select(a => a.Path), Is.EqualTo(new[] { "out/a.txt", "out/b.txt", "out/c.txt" }));
        Assert.That(await WarningsOfAsync(run.JobOf("build", 1).Id),
            Is.EqualTo(new[] { "artifacts: More than 3 files matched; only the first 3 (in path order) were kept." }));
    }

    [Test]
    public async Task A_path_longer_than_its_column_does_not_lose_the_other_artifacts()
    {
        // node_modules and generated trees nest deep; Linux allows paths of 4096 bytes. SQLite does not enforce varchar
        // lengths, PostgreSQL does: one long path must not fail the job's database write.
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, J("build", 1));
        var deep = "dist/" + string.Join('/', Enumerable.Range(0, 5).Select(i => new string((char)('a' + i), 250))) + "/file.txt";
        Write(deep, "deep\n");
        Write("dist/app.txt", "app\n");

        await CollectArtifactsAsync(Host.Services, run.JobOf("build", 1).Id, new ArtifactDefinition(["dist/**"], ArtifactWhen.OnSuccess, null), succeeded: true);

        var rows = await ArtifactsOfAsync(run.Id);
        var warnings = await WarningsOfAsync(run.JobOf("build", 1).Id);
        Assert.Multiple(() =>
        {
            Assert.That(deep, Has.Length.GreaterThan(1024));
            Assert.That(rows.Select(a => a.Path), Is.EqualTo(new[] { "dist/app.txt" }), "the long path is not kept, the other file is");
            Assert.That(warnings, Has.Count.EqualTo(1));
            Assert.That(warnings, Has.All.StartsWith("artifacts: dist/aaaa").And.Contains("was not kept"));
        });
    }

    // ---------------------------------------------------------------- listing and downloading

    [Test]
    public async Task The_list_holds_the_runs_artifacts_that_have_not_expired_by_job_attempt_and_path()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, J("test", 2), J("build", 1));
        var other = await AddRunAsync(project, 2, J("build", 1));
        var (build, test1, test2) = (run.JobOf("build", 1), run.JobOf("test", 1), run.JobOf("test", 2));
        var expected = new[]
        {
            Row(run, build, "dist/z.bin", "z"),
            Row(run, build, "dist/a.bin", "a"),
            Row(run, test2, "report.html", "r2"),
            Row(run, test1, "report.html", "r1"),
        };
        var expired = Row(run, build, "dist/old.bin", "old", createdAt: T0.AddDays(-2), expiresAt: T0);
        await Host.WithDbAsync(db =>
        {
            db.Artifacts.AddRange(expected);
            db.Artifacts.AddRange(expired, Row(other, other.JobOf("build", 1), "dist/a.bin", "a"));
            return db.SaveChangesAsync();
        });

        var list = await Host.SendAsync(new ListRunArtifactsQuery(run.Id));
        var unknown = Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new ListRunArtifactsQuery(Guid.NewGuid())))!;

        Assert.Multiple(() =>
        {
            Assert.That(list.Items.Select(a => (a.JobName, a.Attempt, a.Path)), Is.EqualTo(new[]
            {
                ("build", 1, "dist/a.bin"),
                ("build", 1, "dist/z.bin"),
                ("test", 1, "report.html"),
                ("test", 2, "report.html"),
            }), "an artifact that expired (at exactly now) is hidden before the sweep removes it");
            var a = expected[1];
            Assert.That(list.Items[0], Is.EqualTo(new ArtifactDto(a.Id, build.Id, "build", 1, "dist/a.bin", 1, Sha("a"), T0, T0.AddDays(1))));
            Assert.That(list.Items.Select(i => i.CreatedAt.Kind).Distinct(), Is.EqualTo(new[] { DateTimeKind.Utc }));
            Assert.That(unknown.Resource, Is.EqualTo("run"));
        });
    }

    [Test]
    public async Task Download_gives_the_bytes_of_an_artifact_of_that_run_only_while_it_has_not_expired()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, J("build", 1));
        var other = await AddRunAsync(project, 2, J("build", 1));
        var content = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        var artifact = await StoreAsync(Row(run, run.JobOf("build", 1), "dist/app.tar.gz", content, expiresAt: T0.AddHours(1)), content);

        var download = await Host.SendAsync(new DownloadArtifactQuery(run.Id, artifact.Id));
        byte[] bytes;
        await using (download.Content) bytes = await ReadAllAsync(download.Content);
        var wrongRun = Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new DownloadArtifactQuery(other.Id, artifact.Id)))!;
        var unknown = Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new DownloadArtifactQuery(run.Id, Guid.NewGuid())))!;

        Assert.Multiple(() =>
        {
            Assert.That((download.FileName, download.Size, download.Sha256), Is.EqualTo(("app.tar.gz", 5000L, Sha(content))));
            Assert.That(bytes, Is.EqualTo(content));
            Assert.That((wrongRun.Resource, wrongRun.Key), Is.EqualTo(("artifact", artifact.Id.ToString())));
            Assert.That(unknown.Resource, Is.EqualTo("artifact"));
        });

        Host.Clock.Advance(TimeSpan.FromHours(1));

        var expired = Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new DownloadArtifactQuery(run.Id, artifact.Id)))!;
        Assert.That(expired.Resource, Is.EqualTo("artifact"));
    }

    [Test]
    public async Task A_signed_url_downloads_without_a_token_until_it_expires_and_any_change_to_it_is_forbidden()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, J("build", 1));
        var other = await AddRunAsync(project, 2, J("build", 1));
        var artifact = await StoreAsync(Row(run, run.JobOf("build", 1), "dist/app.txt", "signed content\n"), "signed content\n");
        var sibling = await StoreAsync(Row(run, run.JobOf("build", 1), "dist/other.txt", "other\n"), "other\n");

        var signed = await Host.SendAsync(new SignArtifactUrlQuery(run.Id, artifact.Id, "10m"));
        var (path, expires, signature) = Parse(signed.PathAndQuery);

        Assert.Multiple(() =>
        {
            Assert.That(path, Is.EqualTo($"/api/v1/artifacts/{artifact.Id}/download"));
            Assert.That(signed.ExpiresAt, Is.EqualTo(T0.AddMinutes(10)));
            Assert.That(signed.ExpiresAt.Kind, Is.EqualTo(DateTimeKind.Utc));
            Assert.That(expires, Is.EqualTo(new DateTimeOffset(T0.AddMinutes(10)).ToUnixTimeSeconds()));
            Assert.That(signature, Does.Match("^[0-9a-f]{64}$"));
        });

        var download = await Host.SendAsync(new DownloadSignedArtifactQuery(artifact.Id, expires, signature));
        await using (download.Content)
            Assert.That(Encoding.UTF8.GetString(await ReadAllAsync(download.Content)), Is.EqualTo("signed content\n"));
        var upper = await Host.SendAsync(new DownloadSignedArtifactQuery(artifact.Id, expires, signature.ToUpperInvariant()));
        await upper.Content.DisposeAsync();

        var flipped = signature[..10] + (signature[10] == '0' ? '1' : '0') + signature[11..];
        Assert.Multiple(() =>
        {
            Assert.ThrowsAsync<ForbiddenException>(() => Host.SendAsync(new DownloadSignedArtifactQuery(artifact.Id, expires, flipped)), "a changed signature");
            Assert.ThrowsAsync<ForbiddenException>(() => Host.SendAsync(new DownloadSignedArtifactQuery(artifact.Id, expires + 3600, signature)), "a later expiry");
            Assert.ThrowsAsync<ForbiddenException>(() => Host.SendAsync(new DownloadSignedArtifactQuery(sibling.Id, expires, signature)), "another artifact");
            Assert.ThrowsAsync<ForbiddenException>(() => Host.SendAsync(new DownloadSignedArtifactQuery(artifact.Id, expires, null)), "no signature");
            Assert.ThrowsAsync<ForbiddenException>(() => Host.SendAsync(new DownloadSignedArtifactQuery(artifact.Id, expires, signature[..63])), "a cut signature");
            Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new SignArtifactUrlQuery(other.Id, artifact.Id, null)), "signing through another run");
        });

        Host.Clock.Advance(TimeSpan.FromMinutes(10));

        var late = Assert.ThrowsAsync<ForbiddenException>(() => Host.SendAsync(new DownloadSignedArtifactQuery(artifact.Id, expires, signature)))!;
        Assert.That(late.Message, Does.Contain("expired"));
    }

    [Test]
    public async Task A_signed_url_lasts_an_hour_by_default_never_past_the_artifacts_expiry_and_at_most_the_maximum()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, J("build", 1));
        var longLived = await StoreAsync(Row(run, run.JobOf("build", 1), "a.txt", "a", expiresAt: T0.AddDays(30)), "a");
        var shortLived = await StoreAsync(Row(run, run.JobOf("build", 1), "b.txt", "b", expiresAt: T0.AddMinutes(30).AddMilliseconds(500)), "b");

        var byDefault = await Host.SendAsync(new SignArtifactUrlQuery(run.Id, longLived.Id, null));
        var week = await Host.SendAsync(new SignArtifactUrlQuery(run.Id, longLived.Id, "7d"));
        var capped = await Host.SendAsync(new SignArtifactUrlQuery(run.Id, shortLived.Id, "7d"));
        var tooLong = Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(new SignArtifactUrlQuery(run.Id, longLived.Id, "8d")))!;
        var nonsense = Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(new SignArtifactUrlQuery(run.Id, longLived.Id, "soon")))!;

        Assert.Multiple(() =>
        {
            Assert.That(byDefault.ExpiresAt, Is.EqualTo(T0.AddHours(1)));
            Assert.That(week.ExpiresAt, Is.EqualTo(T0.AddDays(7)));
            Assert.That(capped.ExpiresAt, Is.EqualTo(T0.AddMinutes(30)), "the artifact's own expiry, in whole seconds");
            Assert.That(tooLong.Errors.Select(e => e.PropertyName), Is.EqualTo(new[] { "ExpiresIn" }));
            Assert.That(nonsense.Errors.Select(e => e.PropertyName), Is.EqualTo(new[] { "ExpiresIn" }));
        });
    }

    // ---------------------------------------------------------------- passing artifacts on

    [Test]
    public async Task Needed_artifacts_of_the_latest_attempt_of_each_needed_job_are_placed_in_the_workspace()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, J("build", 2), J("docs", 1), J("other", 1), J("deploy", 1, "build", "docs"));
        var elsewhere = await AddRunAsync(project, 2, J("build", 1));
        var (build1, build2, docs, otherJob) = (run.JobOf("build", 1), run.JobOf("build", 2), run.JobOf("docs", 1), run.JobOf("other", 1));
        await StoreAsync(Row(run, build1, "dist/app.txt", "v1"), "v1");
        await StoreAsync(Row(run, build1, "dist/only-in-first.txt", "first"), "first");
        await StoreAsync(Row(run, build2, "dist/app.txt", "v2"), "v2");
        await StoreAsync(Row(run, build2, "dist/lib/util.txt", "util"), "util");
        await StoreAsync(Row(run, docs, "site/index.html", "<h1>docs</h1>"), "<h1>docs</h1>");
        await StoreAsync(Row(run, docs, "site/old.html", "old", createdAt: T0.AddDays(-2), expiresAt: T0.AddMinutes(-1)), "old");
        await Host.WithDbAsync(db =>
        {
            db.Artifacts.Add(Row(run, docs, "site/gone.html", "never stored"));
            return db.SaveChangesAsync();
        });
        await StoreAsync(Row(run, otherJob, "other.txt", "other"), "other");
        await StoreAsync(Row(elsewhere, elsewhere.JobOf("build", 1), "dist/elsewhere.txt", "elsewhere"), "elsewhere");
        using var target = new TempDirectory("comet-deploy-workspace");

        await PlaceNeededAsync(run.JobOf("deploy", 1).Id, target.Path);

        Assert.That(FilesIn(target.Path), Is.EqualTo(new Dictionary<string, string>
        {
            ["dist/app.txt"] = "v2",
            ["dist/lib/util.txt"] = "util",
            ["site/index.html"] = "<h1>docs</h1>",
        }), "attempt 1 of build, the expired page, the other job and the other run are not placed");
        Assert.That(await WarningsOfAsync(run.JobOf("deploy", 1).Id),
            Is.EqualTo(new[] { "artifacts: site/gone.html from job 'docs' is no longer stored; it was not placed" }));
    }

    [Test]
    public async Task A_needed_artifact_is_never_written_through_a_link_in_the_workspace()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, J("build", 1), J("deploy", 1, "build"));
        await StoreAsync(Row(run, run.JobOf("build", 1), "dist/app.txt", "payload"), "payload");
        await StoreAsync(Row(run, run.JobOf("build", 1), "readme.txt", "fine"), "fine");
        using var outside = new TempDirectory("comet-outside");
        using var target = new TempDirectory("comet-deploy-workspace");
        Directory.CreateSymbolicLink(Path.Combine(target.Path, "dist"), outside.Path);

        await PlaceNeededAsync(run.JobOf("deploy", 1).Id, target.Path);

        var warnings = await WarningsOfAsync(run.JobOf("deploy", 1).Id);
        Assert.Multiple(() =>
        {
            Assert.That(Directory.GetFileSystemEntries(outside.Path), Is.Empty, "nothing was written outside the workspace");
            Assert.That(File.ReadAllText(Path.Combine(target.Path, "readme.txt")), Is.EqualTo("fine"));
            Assert.That(warnings, Is.EqualTo(new[]
            {
                "artifacts: dist/app.txt from job 'build' was not placed: dist/app.txt was not written: dist is a link, and nothing is written through links.",
            }));
        });
    }

    // ---------------------------------------------------------------- sweeping

    [Test]
    public async Task The_sweep_removes_expired_rows_then_the_blobs_nothing_refers_to_once_they_are_older_than_the_grace()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, J("build", 1));
        var job = run.JobOf("build", 1);
        var expiredOnly = await StoreAsync(Row(run, job, "expired.txt", "expired only", createdAt: T0.AddDays(-2), expiresAt: T0.AddMinutes(-1)), "expired only");
        var expiredShared = await StoreAsync(Row(run, job, "shared-old.txt", "shared", createdAt: T0.AddDays(-2), expiresAt: T0), "shared");
        var live = await StoreAsync(Row(run, job, "shared-new.txt", "shared", expiresAt: T0.AddDays(1)), "shared");
        await SaveBlobAsync("old orphan");
        await SaveBlobAsync("young orphan");
        foreach (var content in new[] { "expired only", "shared", "old orphan" }) File.SetLastWriteTimeUtc(BlobPath(Sha(content)), T0.AddHours(-1));
        File.SetLastWriteTimeUtc(BlobPath(Sha("young orphan")), T0.AddMinutes(-5));

        var first = await Host.SendAsync(new SweepExpiredArtifactsCommand());

        var left = await ArtifactsOfAsync(run.Id);
        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(new SweepResult(2, 2)));
            Assert.That(left.Select(a => a.Id), Is.EqualTo(new[] { live.Id }));
            Assert.That(File.Exists(BlobPath(Sha("expired only"))), Is.False, "nothing refers to it any more");
            Assert.That(File.Exists(BlobPath(Sha("shared"))), Is.True, "a live artifact still refers to it");
            Assert.That(File.Exists(BlobPath(Sha("old orphan"))), Is.False);
            Assert.That(File.Exists(BlobPath(Sha("young orphan"))), Is.True, "younger than the 10 minutes of grace");
        });
        Assert.That(expiredOnly.Id, Is.Not.EqualTo(expiredShared.Id));

        Host.Clock.Advance(TimeSpan.FromMinutes(5));
        var second = await Host.SendAsync(new SweepExpiredArtifactsCommand());

        Assert.Multiple(() =>
        {
            Assert.That(second, Is.EqualTo(new SweepResult(0, 1)));
            Assert.That(File.Exists(BlobPath(Sha("young orphan"))), Is.False, "ten minutes old now");
            Assert.That(File.Exists(BlobPath(Sha("shared"))), Is.True);
        });
    }

    [Test]
    public async Task After_a_run_is_deleted_the_sweep_frees_its_blobs_and_keeps_the_ones_other_runs_share()
    {
        var project = await AddProjectAsync("rocket");
        var doomed = await AddRunAsync(project, 1, J("build", 1));
        var kept = await AddRunAsync(project, 2, J("build", 1));
        await StoreAsync(Row(doomed, doomed.JobOf("build", 1), "own.txt", "own"), "own");
        await StoreAsync(Row(doomed, doomed.JobOf("build", 1), "shared.txt", "shared"), "shared");
        await StoreAsync(Row(kept, kept.JobOf("build", 1), "shared.txt", "shared"), "shared");
        foreach (var content in new[] { "own", "shared" }) File.SetLastWriteTimeUtc(BlobPath(Sha(content)), T0.AddHours(-1));
        await using var noGrace = TestHost.BuildServices(new Dictionary<string, string?>(Host.Settings) { ["Artifacts:OrphanGrace"] = "00:00:00" }, Host.Clock);

        await Host.WithDbAsync(db => db.Runs.Where(r => r.Id == doomed.Id).ExecuteDeleteAsync());
        SweepResult swept;
        await using (var scope = noGrace.CreateAsyncScope())
            swept = await scope.ServiceProvider.GetRequiredService<MediatR.IMediator>().Send(new SweepExpiredArtifactsCommand());

        var rowsLeft = await Host.WithDbAsync(db => db.Artifacts.CountAsync(a => a.RunId == doomed.Id));
        Assert.Multiple(() =>
        {
            Assert.That(swept, Is.EqualTo(new SweepResult(0, 1)), "the deleted run's rows went with it; only its own blob is freed");
            Assert.That(rowsLeft, Is.Zero);
            Assert.That(File.Exists(BlobPath(Sha("own"))), Is.False);
            Assert.That(File.Exists(BlobPath(Sha("shared"))), Is.True);
        });
    }

    // ---------------------------------------------------------------- helpers

    private async Task<Project> AddProjectAsync(string slug)
    {
        var project = new Project(slug, slug, $"https://example.org/team/{slug}.git", "main", Forge.Generic, Project.DefaultPipelineFile,
            new string('5', 64), T0);
        await Host.WithDbAsync(db =>
        {
            db.Projects.Add(project);
            return db.SaveChangesAsync();
        });
        return project;
    }

    private static (string Name, int Attempts, string[] Needs) J(string name, int attempts = 1, params string[] needs) => (name, attempts, needs);

    private async Task<PipelineRun> AddRunAsync(Project project, long number, params (string Name, int Attempts, string[] Needs)[] jobs)
    {
        var run = new PipelineRun(project.Id, number, "push", "refs/heads/main", $"sha{number}", T0);
        run.Describe("main", null, null, null);
        foreach (var (name, attempts, needs) in jobs)
        {
            run.AddJob(name, needs, allowFailure: false, maxAttempts: attempts);
            for (var attempt = 2; attempt <= attempts; attempt++)
                run.AddAttempt(new Job(run.Id, name, needs, allowFailure: false, maxAttempts: attempts, attempt: attempt));
        }
        await Host.WithDbAsync(db =>
        {
            db.Runs.Add(run);
            return db.SaveChangesAsync();
        });
        return run;
    }

    private static Artifact Row(PipelineRun run, Job job, string path, string content, DateTime? createdAt = null, DateTime? expiresAt = null) =>
        Row(run, job, path, Encoding.UTF8.GetBytes(content), createdAt, expiresAt);

    private static Artifact Row(PipelineRun run, Job job, string path, byte[] content, DateTime? createdAt = null, DateTime? expiresAt = null) =>
        new(run.ProjectId, run.Id, job.Id, job.Name, job.Attempt, path, content.Length, Sha(content), createdAt ?? T0, expiresAt ?? T0.AddDays(1));

    /// <summary>The row, and its content in the store.</summary>
    private async Task<Artifact> StoreAsync(Artifact row, string content) => await StoreAsync(row, Encoding.UTF8.GetBytes(content));

    private async Task<Artifact> StoreAsync(Artifact row, byte[] content)
    {
        var stored = await SaveBlobAsync(content);
        Assert.That(stored, Is.EqualTo(row.Sha256));
        await Host.WithDbAsync(db =>
        {
            db.Artifacts.Add(row);
            return db.SaveChangesAsync();
        });
        return row;
    }

    private Task<string> SaveBlobAsync(string content) => SaveBlobAsync(Encoding.UTF8.GetBytes(content));

    private async Task<string> SaveBlobAsync(byte[] content)
    {
        var store = Host.Services.GetRequiredService<IArtifactStore>();
        var stored = await store.SaveAsync(new MemoryStream(content), long.MaxValue, CancellationToken.None);
        return stored!.Sha256;
    }

    private string BlobPath(string sha256) => Path.Combine(Host.DataDir.Path, "artifacts", "sha256", sha256[..2], sha256);

    private static string Sha(string content) => Sha(Encoding.UTF8.GetBytes(content));

    private static string Sha(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private Task<List<Artifact>> ArtifactsOfAsync(Guid runId) =>
        Host.WithDbAsync(async db => (await db.Artifacts.AsNoTracking().Where(a => a.RunId == runId).ToListAsync())
            .OrderBy(a => a.Path, StringComparer.Ordinal).ToList());

    private Task<List<string>> WarningsOfAsync(Guid jobId) =>
        Host.WithDbAsync(db => db.Jobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => j.Warnings).SingleAsync());

    private void Write(string relativePath, string content) => Write(relativePath, Encoding.UTF8.GetBytes(content));

    private void Write(string relativePath, byte[] content)
    {
        var path = Path.Combine(Workspace, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
    }

    private static Dictionary<string, string> FilesIn(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace('\\', '/'), File.ReadAllText);

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static (string Path, long Expires, string Signature) Parse(string pathAndQuery)
    {
        var parts = pathAndQuery.Split('?', 2);
        var query = parts[1].Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.That(query.Keys, Is.EquivalentTo(new[] { "expires", "signature" }));
        return (parts[0], long.Parse(query["expires"]), query["signature"]);
    }

    /// <summary>What the job executor does after the steps, with the given services (and so their settings).</summary>
    private async Task CollectArtifactsAsync(IServiceProvider services, Guid jobId, ArtifactDefinition artifacts, bool succeeded)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CometDbContext>();
        var job = await db.Jobs.FirstAsync(j => j.Id == jobId);
        var run = await db.Runs.FirstAsync(r => r.Id == job.RunId);
        await scope.ServiceProvider.GetRequiredService<ArtifactCollector>().CollectAsync(job, run, artifacts, WorkspaceFiles, succeeded, CancellationToken.None);
        await db.SaveChangesAsync();
    }

    /// <summary>What the job executor does before the steps.</summary>
    private async Task PlaceNeededAsync(Guid jobId, string workspace)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CometDbContext>();
        var job = await db.Jobs.FirstAsync(j => j.Id == jobId);
        await scope.ServiceProvider.GetRequiredService<NeededArtifacts>().PlaceAsync(job, new FolderFiles(workspace), CancellationToken.None);
        await db.SaveChangesAsync();
    }
}

internal static class ArtifactRunJobs
{
    public static Job JobOf(this PipelineRun run, string name, int attempt) => run.Jobs.Single(j => j.Name == name && j.Attempt == attempt);
}
