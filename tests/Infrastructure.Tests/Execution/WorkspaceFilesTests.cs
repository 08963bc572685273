using System.Diagnostics;
using Comet.Infrastructure.Execution;
using Comet.TestSupport;

namespace Comet.Infrastructure.Tests.Execution;

/// <summary>Real folders and real symbolic links, as a checked-out repository or a job's steps can leave them.</summary>
public sealed class WorkspaceFilesTests
{
    private TempDirectory _workspace = null!;
    private TempDirectory _outside = null!;
    private readonly WorkspaceFiles _files = new();

    [SetUp]
    public void CreateFolders()
    {
        _workspace = new TempDirectory("comet-ws");
        _outside = new TempDirectory("comet-outside");
    }

    [TearDown]
    public void DeleteFolders()
    {
        _workspace.Dispose();
        _outside.Dispose();
    }

    private string Write(string relative, string content = "x")
    {
        var path = Path.Combine(_workspace.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    private string InWorkspace(string relative) => Path.Combine(_workspace.Path, relative);

    private void FileLink(string relative, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(InWorkspace(relative))!);
        File.CreateSymbolicLink(InWorkspace(relative), target);
    }

    private void FolderLink(string relative, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(InWorkspace(relative))!);
        Directory.CreateSymbolicLink(InWorkspace(relative), target);
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{program} {string.Join(' ', arguments)}");
    }

    [Test]
    public void Star_double_star_question_mark_and_literal_globs_find_files_in_path_order()
    {
        Write("reports/junit.xml", "<testsuites/>");
        Write("reports/unit/nunit.xml");
        Write("reports/readme.md");
        Write("coverage.xml", "12345");
        Write("dist/app-1.tar.gz");
        Write("dist/app-2.tar.gz");
        Write("dist/app-10.tar.gz");
        Write("src/a/b/c/deep.txt");

        var match = _files.Find(_workspace.Path, ["reports/*.xml", "**/deep.txt", "dist/app-?.tar.gz", "coverage.xml", "./reports/unit/"]);

        Assert.Multiple(() =>
        {
            Assert.That(match.Files.Select(f => f.RelativePath), Is.EqualTo(new[]
            {
                "coverage.xml", "dist/app-1.tar.gz", "dist/app-2.tar.gz", "reports/junit.xml", "reports/unit/nunit.xml", "src/a/b/c/deep.txt",
            }));
            Assert.That(match.Files[0].Size, Is.EqualTo(5));
            Assert.That(match.Files[3].FullPath, Is.EqualTo(InWorkspace("reports/junit.xml")));
            Assert.That(File.ReadAllText(match.Files[3].FullPath), Is.EqualTo("<testsuites/>"));
            Assert.That(match.UnmatchedGlobs, Is.Empty);
            Assert.That(match.Warnings, Is.Empty);
        });
    }

    [Test]
    public void Globs_that_match_nothing_are_reported()
    {
        Write("reports/junit.xml");

        var match = _files.Find(_workspace.Path, ["reports/*.xml", "coverage/cobertura.xml", "build/**/*.trx"]);

        Assert.That(match.Files.Select(f => f.RelativePath), Is.EqualTo(new[] { "reports/junit.xml" }));
        Assert.That(match.UnmatchedGlobs, Is.EqualTo(new[] { "coverage/cobertura.xml", "build/**/*.trx" }));
        Assert.That(match.Warnings, Is.Empty);
    }

    [Test]
    public void A_missing_workspace_matches_nothing()
    {
        var match = _files.Find(Path.Combine(_workspace.Path, "gone"), ["**"]);

        Assert.That(match.Files, Is.Empty);
        Assert.That(match.UnmatchedGlobs, Is.EqualTo(new[] { "**" }));
    }

    [Test]
    public void A_link_to_etc_passwd_is_refused_and_never_read()
    {
        FileLink("secrets.txt", "/etc/passwd");
        FileLink("reports/junit.xml", "/etc/passwd");
        File.WriteAllText(Path.Combine(_outside.Path, "token"), "TOP-SECRET");
        FileLink("reports/token.xml", Path.Combine(_outside.Path, "token"));
        Write("reports/real.xml", "<testsuites/>");

        var match = _files.Find(_workspace.Path, ["*.txt", "reports/*.xml"]);

        Assert.Multiple(() =>
        {
            Assert.That(match.Files.Select(f => f.RelativePath), Is.EqualTo(new[] { "reports/real.xml" }));
            Assert.That(match.Warnings, Is.EqualTo(new[]
            {
                "reports/junit.xml is a link to a place outside the workspace; it was not read.",
                "reports/token.xml is a link to a place outside the workspace; it was not read.",
                "secrets.txt is a link to a place outside the workspace; it was not read.",
            }));
            Assert.That(match.Files.Select(f => File.ReadAllText(f.FullPath)), Has.None.Contains("root:").And.None.Contains("TOP-SECRET"));
            Assert.That(match.UnmatchedGlobs, Is.Empty, "the glob did find something; the warning says why it was not read");
        });
    }

    [Test]
    public void A_link_through_a_linked_folder_is_resolved_all_the_way()
    {
        // "report.xml -> etc/passwd" looks inside the workspace until etc, itself a link, is resolved.
        FolderLink("etc", "/etc");
        FileLink("report.xml", "etc/passwd");

        var match = _files.Find(_workspace.Path, ["*.xml"]);

        Assert.That(match.Files, Is.Empty);
        Assert.That(match.Warnings, Is.EqualTo(new[] { "report.xml is a link to a place outside the workspace; it was not read." }));
    }

    [Test]
    public void A_folder_link_leading_outside_is_not_followed()
    {
        File.WriteAllText(Path.Combine(_outside.Path, "leak.txt"), "outside");
        Directory.CreateDirectory(Path.Combine(_outside.Path, "sub"));
        File.WriteAllText(Path.Combine(_outside.Path, "sub", "deep.txt"), "outside");
        FolderLink("dist", _outside.Path);
        Write("reports/junit.xml");

        var everything = _files.Find(_workspace.Path, ["**/*.txt"]);
        var dist = _files.Find(_workspace.Path, ["dist/**"]);
        var elsewhere = _files.Find(_workspace.Path, ["reports/*.xml"]);

        Assert.Multiple(() =>
        {
            Assert.That(everything.Files, Is.Empty);
            Assert.That(everything.Warnings, Is.EqualTo(new[] { "dist is a link to a place outside the workspace; it was not followed." }));
            Assert.That(dist.Files, Is.Empty);
            Assert.That(dist.UnmatchedGlobs, Is.EqualTo(new[] { "dist/**" }));
            Assert.That(dist.Warnings, Is.EqualTo(new[] { "dist is a link to a place outside the workspace; it was not followed." }));
            Assert.That(elsewhere.Warnings, Is.Empty, "a link no glob could reach is not worth a warning");
        });
    }

    [Test]
    public void Links_that_stay_inside_the_workspace_are_followed()
    {
        Write("build/v2/app.tar.gz", "binary");
        Write("reports/junit.xml", "<testsuites/>");
        FolderLink("latest", "build/v2");
        FileLink("junit.xml", "reports/junit.xml");
        FileLink("absolute.xml", InWorkspace("reports/junit.xml"));

        var match = _files.Find(_workspace.Path, ["latest/*", "*.xml"]);

        Assert.Multiple(() =>
        {
            Assert.That(match.Files.Select(f => (f.RelativePath, f.FullPath)), Is.EqualTo(new[]
            {
                ("absolute.xml", InWorkspace("reports/junit.xml")),
                ("junit.xml", InWorkspace("reports/junit.xml")),
                ("latest/app.tar.gz", InWorkspace("build/v2/app.tar.gz")),
            }));
            Assert.That(match.Files.Select(f => f.Size), Is.EqualTo(new long[] { 13, 13, 6 }));
            Assert.That(match.Warnings, Is.Empty);
        });
    }

    [Test]
    public void Link_loops_end_the_search_instead_of_hanging_it()
    {
        Write("a/b/file.txt");
        FolderLink("a/b/up", "../..");      // back to the workspace root
        FolderLink("a/b/self", ".");        // to its own folder
        FolderLink("a/side", "b");          // a sibling: followed once
        FileLink("ping.txt", "pong.txt");   // two links pointing at each other
        FileLink("pong.txt", "ping.txt");

        var search = Task.Run(() => _files.Find(_workspace.Path, ["**/*.txt"]));

        Assert.That(search.Wait(TimeSpan.FromSeconds(20)), Is.True, "the search hung");
        var match = search.Result;
        Assert.Multiple(() =>
        {
            Assert.That(match.Files.Select(f => f.RelativePath), Is.EqualTo(new[] { "a/b/file.txt", "a/side/file.txt" }));
            Assert.That(match.Warnings, Does.Contain("a/b/up is a link to a folder that contains it; it was not followed again."));
            Assert.That(match.Warnings, Does.Contain("a/b/self is a link to a folder that contains it; it was not followed again."));
            Assert.That(match.Warnings, Does.Contain("ping.txt is a link that leads nowhere (broken, or a loop); it was not read."));
        });
    }

    [Test]
    public void Globs_that_climb_out_or_are_rooted_are_refused()
    {
        File.WriteAllText(Path.Combine(_outside.Path, "x"), "outside");
        Write("reports/junit.xml");
        var climb = "../" + Path.GetFileName(_outside.Path) + "/x";

        var match = _files.Find(_workspace.Path, [climb, "/etc/*", "reports/../../x", "C:\\Windows\\*", "reports/*.xml"]);

        Assert.Multiple(() =>
        {
            Assert.That(match.Files.Select(f => f.RelativePath), Is.EqualTo(new[] { "reports/junit.xml" }));
            Assert.That(match.Warnings, Is.EqualTo(new[]
            {
                $"The glob '{climb}' has a '..' segment and could reach outside the workspace; it was not used.",
                "The glob '/etc/*' is an absolute path; globs are relative to the workspace, so it was not used.",
                "The glob 'reports/../../x' has a '..' segment and could reach outside the workspace; it was not used.",
                "The glob 'C:\\Windows\\*' is an absolute path; globs are relative to the workspace, so it was not used.",
            }));
            Assert.That(match.UnmatchedGlobs, Is.Empty, "refused globs are told by their warning, not again as unmatched");
        });
    }

    [Test]
    public void The_git_folder_is_skipped()
    {
        Write(".git/config");
        Write(".git/objects/ab/cdef");
        Write("vendor/lib/.git/HEAD");
        Write("src/main.c");

        var match = _files.Find(_workspace.Path, ["**"]);

        Assert.That(match.Files.Select(f => f.RelativePath), Is.EqualTo(new[] { "src/main.c" }));
    }

    [Test]
    public void The_file_count_is_cut_with_a_warning_keeping_the_first_in_path_order()
    {
        Write("a/b.txt");
        Write("a.txt"); // "a.txt" sorts before "a/b.txt" ('.' < '/')
        for (var i = 0; i < 5; i++) Write($"z/{i}.txt");
        Write("logs/run.log");

        var match = _files.Find(_workspace.Path, ["**/*.txt", "logs/*.log"], maxFiles: 3);

        Assert.Multiple(() =>
        {
            Assert.That(match.Files.Select(f => f.RelativePath), Is.EqualTo(new[] { "a.txt", "a/b.txt", "logs/run.log" }));
            Assert.That(match.Warnings, Is.EqualTo(new[] { "More than 3 files matched; only the first 3 (in path order) were kept." }));
            Assert.That(match.UnmatchedGlobs, Is.Empty);
        });
    }

    [Test]
    public void A_named_pipe_is_not_offered_as_a_file()
    {
        Directory.CreateDirectory(InWorkspace("reports"));
        Run("mkfifo", InWorkspace("reports/junit.xml"));
        Write("reports/empty.xml", "");

        var search = Task.Run(() => _files.Find(_workspace.Path, ["reports/*.xml"]));

        Assert.That(search.Wait(TimeSpan.FromSeconds(20)), Is.True);
        Assert.That(search.Result.Files.Select(f => (f.RelativePath, f.Size)), Is.EqualTo(new[] { ("reports/empty.xml", 0L) }));
        Assert.That(search.Result.Warnings, Is.EqualTo(new[] { "reports/junit.xml is not a regular file (a pipe, socket or device); it was not read." }));
    }

    [Test]
    public void TryCreate_makes_folders_and_replaces_a_file()
    {
        Write("dist/app.txt", "old and longer");

        using (var fresh = _files.TryCreate(_workspace.Path, "dist/nested/deeper/app.bin", out var freshRefusal))
        {
            Assert.That(freshRefusal, Is.Null);
            fresh!.Write("new"u8);
        }
        using (var replaced = _files.TryCreate(_workspace.Path, "dist/app.txt", out _))
            replaced!.Write("new"u8);

        Assert.That(File.ReadAllText(InWorkspace("dist/nested/deeper/app.bin")), Is.EqualTo("new"));
        Assert.That(File.ReadAllText(InWorkspace("dist/app.txt")), Is.EqualTo("new"));
    }

    [Test]
    public void TryCreate_through_a_linked_folder_is_refused_and_nothing_is_written_outside()
    {
        FolderLink("dist", _outside.Path);
        FolderLink("deep/out", _outside.Path);

        var first = _files.TryCreate(_workspace.Path, "dist/app.tar.gz", out var firstRefusal);
        var second = _files.TryCreate(_workspace.Path, "deep/out/sub/app.tar.gz", out var secondRefusal);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.Null);
            Assert.That(second, Is.Null);
            Assert.That(firstRefusal, Is.EqualTo("dist/app.tar.gz was not written: dist is a link, and nothing is written through links."));
            Assert.That(secondRefusal, Does.Contain("deep/out is a link"));
            Assert.That(Directory.EnumerateFileSystemEntries(_outside.Path), Is.Empty);
        });
    }

    [Test]
    public void TryCreate_does_not_write_through_a_file_link_or_a_hard_link()
    {
        var target = Path.Combine(_outside.Path, "authorized_keys");
        File.WriteAllText(target, "original");
        FileLink("keys.txt", target);
        Run("ln", target, InWorkspace("hard.txt"));

        var viaLink = _files.TryCreate(_workspace.Path, "keys.txt", out var refusal);
        using (var viaHardLink = _files.TryCreate(_workspace.Path, "hard.txt", out _))
            viaHardLink!.Write("replaced"u8);

        Assert.Multiple(() =>
        {
            Assert.That(viaLink, Is.Null);
            Assert.That(refusal, Does.Contain("keys.txt is a link"));
            Assert.That(File.ReadAllText(target), Is.EqualTo("original"));
            Assert.That(File.ReadAllText(InWorkspace("hard.txt")), Is.EqualTo("replaced"));
        });
    }

    [TestCase("/etc/cron.d/evil")]
    [TestCase("../outside.txt")]
    [TestCase("dist/../../outside.txt")]
    [TestCase("dist\\..\\..\\outside.txt")]
    [TestCase("")]
    public void TryCreate_refuses_paths_that_are_rooted_or_climb_out(string path)
    {
        var stream = _files.TryCreate(_workspace.Path, path, out var refusal);

        Assert.That(stream, Is.Null);
        Assert.That(refusal, Is.Not.Null.And.Not.Empty);
        Assert.That(File.Exists(Path.Combine(Path.GetDirectoryName(_workspace.Path)!, "outside.txt")), Is.False);
    }

    [Test]
    public void TryCreate_refuses_a_folder_or_a_file_in_the_way()
    {
        Write("dist/app/readme.md");
        Write("notes.txt");

        Assert.That(_files.TryCreate(_workspace.Path, "dist/app", out var folder), Is.Null);
        Assert.That(folder, Does.Contain("is a folder"));
        Assert.That(_files.TryCreate(_workspace.Path, "notes.txt/inner.txt", out var file), Is.Null);
        Assert.That(file, Does.Contain("notes.txt is a file, not a folder"));
    }
}
