using Comet.Application.Common.Interfaces;
using Comet.Infrastructure.Git;

namespace Comet.Infrastructure.Tests.Git;

/// <summary>What libgit2 reads from a mirror in-process is what the git command line says about the same mirror.</summary>
public sealed class MirrorReaderTests : GitFixture
{
    [Test]
    public async Task Refs_and_shas_resolve_in_process_to_the_commit_git_names()
    {
        var first = Source.Commit("first", ("a.txt", "1"));
        Source.Tag("v1", "version 1");
        Source.Tag("light");
        Source.Commit("second", ("a.txt", "2"));
        await FetchMainAsync();
        foreach (var tag in new[] { "refs/tags/v1", "refs/tags/light" })
            await Git.FetchAsync(Project, Source.Url, tag, null, None);
        var mirror = Mirror;

        Assert.Multiple(() =>
        {
            foreach (var revision in new[] { "refs/heads/main", "main", "refs/tags/v1", "refs/tags/light", first, first[..8] })
            {
                Assert.That(MirrorReader.TryResolveCommit(mirror.Path, revision),
                    Is.EqualTo(mirror.Git("rev-parse", "--verify", revision + "^{commit}").Trim()), revision);
            }
            Assert.That(MirrorReader.TryResolveCommit(mirror.Path, "refs/tags/v1"), Is.EqualTo(first), "the commit, not the tag object");
            Assert.That(MirrorReader.TryResolveCommit(mirror.Path, "refs/heads/no-such-branch"), Is.Null);
            Assert.That(MirrorReader.TryResolveCommit(mirror.Path, new string('e', 40)), Is.Null);
            Assert.That(MirrorReader.TryResolveCommit(mirror.Path, mirror.Git("rev-parse", "main^{tree}").Trim()), Is.Null, "a tree is no commit");
        });
    }

    [Test]
    public async Task A_file_read_in_process_is_what_git_show_prints()
    {
        var files = new (string File, string Content)[]
        {
            (".comet.yml", "jobs:\n  build:\n    steps:\n      - run: echo ok\n"),
            ("windows.txt", "line one\r\nline two\r\n"),
            ("no-newline.txt", "last line has no newline"),
            ("empty.txt", ""),
            ("docs/ünïcödé name.md", "Zoë — ✓ 🚀\n"),
        };
        var head = Source.Commit("files", files);
        await FetchMainAsync();

        Assert.Multiple(async () =>
        {
            foreach (var (file, content) in files)
            {
                var read = await Git.ReadFileAsync(Project, head, file, MaxFileBytes, None);
                Assert.That(read, Is.EqualTo(content), file);
                Assert.That(read, Is.EqualTo(Mirror.Git("show", $"{head}:{file}")), file);
            }
        });
    }

    [Test]
    public async Task A_commits_message_and_author_read_in_process_are_what_git_log_shows()
    {
        Source.Commit("first", ("a.txt", "1"));
        File.WriteAllText(Path.Combine(Source.Path, "a.txt"), "2");
        Source.Git("add", "--all");
        var sha = Source.CommitStaged("--author=Zoë Ångström <zoe@example.org>", "--date=2024-02-29T12:34:56+05:30",
            "-m", "Make the widgets spin 🚀", "-m", "They stood still.\nNow they spin.");
        await FetchMainAsync();

        var commit = await Git.ReadCommitAsync(Project, sha, None);

        var shown = Mirror.Git("show", "--no-patch", "--format=%an%x00%ae%x00%aI%x00%B", sha).Split('\0');
        Assert.Multiple(() =>
        {
            Assert.That(commit.Sha, Is.EqualTo(sha));
            Assert.That(commit.AuthorName, Is.EqualTo(shown[0]).And.EqualTo("Zoë Ångström"));
            Assert.That(commit.AuthorEmail, Is.EqualTo(shown[1]).And.EqualTo("zoe@example.org"));
            Assert.That(commit.AuthoredAt, Is.EqualTo(DateTimeOffset.Parse(shown[2])));
            Assert.That(commit.AuthoredAt.Offset, Is.EqualTo(TimeSpan.FromMinutes(330)), "the author's own time zone");
            Assert.That(commit.Message, Is.EqualTo(shown[3].TrimEnd())
                .And.EqualTo("Make the widgets spin 🚀\n\nThey stood still.\nNow they spin."));
        });
    }

    [Test]
    public async Task Changed_paths_read_in_process_are_what_git_diff_tree_lists_against_the_first_parent()
    {
        var root = Source.Commit("root", ("a.txt", "1"), ("src/b.txt", "2"), ("src/deep/c.txt", "3"));
        var modified = Source.Commit("modify and add", ("a.txt", "1 changed"), ("docs/ünïcödé name.md", "new"));
        Source.Git("mv", "src/b.txt", "src/renamed.txt");
        var renamed = Source.CommitStaged("-m", "rename");
        Source.Git("rm", "--quiet", "src/deep/c.txt");
        var deleted = Source.CommitStaged("-m", "delete");
        Source.Git("checkout", "--quiet", "-b", "feature");
        Source.Commit("feature work", ("feature.txt", "f"));
        Source.Git("checkout", "--quiet", "main");
        Source.Commit("main moves on", ("a.txt", "1 changed again"));
        var merge = Source.Merge("feature", "merge feature");
        await FetchMainAsync();

        var expected = new Dictionary<string, string[]>
        {
            [root] = ["a.txt", "src/b.txt", "src/deep/c.txt"],
            [modified] = ["a.txt", "docs/ünïcödé name.md"],
            [renamed] = ["src/b.txt", "src/renamed.txt"],
            [deleted] = ["src/deep/c.txt"],
            [merge] = ["feature.txt"], // against main before the merge: what the feature brought in
        };
        Assert.Multiple(async () =>
        {
            foreach (var (sha, paths) in expected)
            {
                var changed = await Git.ChangedPathsAsync(Project, sha, None);
                Assert.That(changed, Is.EqualTo(paths), sha == root ? "root" : sha);
                Assert.That(changed, Is.EqualTo(DiffTree(sha, sha == root)), "git diff-tree lists other paths");
            }
        });
    }

    [Test]
    public async Task A_file_over_the_size_limit_is_refused_naming_the_file_and_the_limit()
    {
        var head = Source.Commit("big", ("big.yml", new string('x', (int)MaxFileBytes + 1)),
            ("fits.yml", new string('y', (int)MaxFileBytes)));
        await FetchMainAsync();

        var error = Assert.ThrowsAsync<GitException>(() => Git.ReadFileAsync(Project, head, "big.yml", MaxFileBytes, None));

        Assert.That(error!.Message, Does.Contain("big.yml at commit").And.Contain("is 1,048,577 bytes; the limit is 1,048,576 bytes."));
        Assert.That((await Git.ReadFileAsync(Project, head, "fits.yml", MaxFileBytes, None))!.Length, Is.EqualTo(MaxFileBytes));
    }

    [Test]
    public async Task A_folder_or_a_link_where_a_file_is_expected_is_refused_saying_what_is_there()
    {
        Source.Commit("a folder and a link", ("ci/pipeline.yml", "jobs: {}\n"));
        File.CreateSymbolicLink(Path.Combine(Source.Path, "link.yml"), "ci/pipeline.yml");
        Source.Git("add", "--all");
        var head = Source.CommitStaged("-m", "link");
        await FetchMainAsync();

        Assert.Multiple(() =>
        {
            Assert.That(Assert.ThrowsAsync<GitException>(() => Git.ReadFileAsync(Project, head, "ci", MaxFileBytes, None))!.Message,
                Does.Contain("ci at commit").And.Contain("is a directory, not a file"));
            Assert.That(Assert.ThrowsAsync<GitException>(() => Git.ReadFileAsync(Project, head, "link.yml", MaxFileBytes, None))!.Message,
                Does.Contain("is a symbolic link, not a file"));
        });
    }

    [Test]
    public async Task Reading_a_commit_the_mirror_does_not_hold_fails_naming_the_commit_and_without_a_mirror_says_so()
    {
        Source.Commit("first", ("a.txt", "1"));
        await FetchMainAsync();
        var unknown = new string('a', 40);

        Assert.Multiple(() =>
        {
            Assert.That(Assert.ThrowsAsync<GitException>(() => Git.ReadFileAsync(Project, unknown, "a.txt", MaxFileBytes, None))!.Message, Does.Contain(unknown));
            Assert.That(Assert.ThrowsAsync<GitException>(() => Git.ReadCommitAsync(Project, unknown, None))!.Message, Does.Contain(unknown));
            Assert.That(Assert.ThrowsAsync<GitException>(() => Git.ChangedPathsAsync(Project, unknown, None))!.Message, Does.Contain(unknown));
            Assert.That(Assert.ThrowsAsync<GitException>(() => Git.ReadFileAsync(Guid.NewGuid(), unknown, "a.txt", MaxFileBytes, None))!.Message,
                Does.Contain("nothing has been fetched"));
        });
    }

    private string[] DiffTree(string sha, bool isRoot)
    {
        var range = isRoot ? new[] { "--root", sha } : [sha + "^1", sha];
        return Mirror.Git(["diff-tree", "-r", "-z", "--name-only", "--no-renames", "--no-commit-id", .. range])
            .Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }
}
