using Comet.Application.Common.Interfaces;
using Comet.Infrastructure.Tests.Git;

namespace Comet.Infrastructure.Tests.Execution;

/// <summary>Real repositories in temp folders, fetched over file:// into the per-project mirror.</summary>
public sealed class GitCliTests : GitFixture
{
    [Test]
    public async Task Fetching_a_branch_returns_the_full_sha_of_its_head()
    {
        Source.Commit("first", ("README.md", "one"));
        var head = Source.Commit("second", ("README.md", "two"));

        var sha = await Git.FetchAsync(Project, Source.Url, "main", null, None);

        Assert.That(sha, Is.EqualTo(head).And.Match("^[0-9a-f]{40}$"));
    }

    [Test]
    public async Task A_file_is_read_at_the_fetched_commit_and_a_missing_file_reads_as_null()
    {
        var first = Source.Commit("first", ("comet.yml", "jobs: {}\n"), ("src/a.txt", "a1"));
        Source.Commit("second", ("comet.yml", "jobs:\n  build: {}\n"));
        var head = await Git.FetchAsync(Project, Source.Url, "main", null, None);

        Assert.Multiple(async () =>
        {
            Assert.That(await Git.ReadFileAsync(Project, head, "comet.yml", MaxFileBytes, None), Is.EqualTo("jobs:\n  build: {}\n"));
            Assert.That(await Git.ReadFileAsync(Project, first, "comet.yml", MaxFileBytes, None), Is.EqualTo("jobs: {}\n"));
            Assert.That(await Git.ReadFileAsync(Project, head, "src/a.txt", MaxFileBytes, None), Is.EqualTo("a1"));
            Assert.That(await Git.ReadFileAsync(Project, head, "missing.yml", MaxFileBytes, None), Is.Null);
            Assert.That(await Git.ReadFileAsync(Project, head, "src/missing.txt", MaxFileBytes, None), Is.Null);
        });
    }

    [Test]
    public async Task A_files_size_is_its_byte_count_at_the_commit_and_a_missing_file_has_none()
    {
        var head = Source.Commit("first", ("comet.yml", "jobs: {}\n"), ("src/wïde.txt", "ü"));
        await Git.FetchAsync(Project, Source.Url, "main", null, None);

        Assert.Multiple(async () =>
        {
            Assert.That(await Git.FileSizeAsync(Project, head, "comet.yml", None), Is.EqualTo(9));
            Assert.That(await Git.FileSizeAsync(Project, head, "src/wïde.txt", None), Is.EqualTo(2), "bytes, not characters");
            Assert.That(await Git.FileSizeAsync(Project, head, "missing.yml", None), Is.Null);
            Assert.That(await Git.FileSizeAsync(Project, head, "src/missing.txt", None), Is.Null);
        });
    }

    [Test]
    public async Task A_checkout_holds_the_committed_files_at_that_commit_and_workspaces_share_nothing()
    {
        var old = Source.Commit("first", ("app.txt", "version 1"));
        Source.Commit("second", ("app.txt", "version 2"), ("added.txt", "new in 2"));
        var head = await Git.FetchAsync(Project, Source.Url, "main", null, None);
        var newer = Path.Combine(Temp.Path, "jobs", "a", "workspace");
        var older = Path.Combine(Temp.Path, "jobs", "b", "workspace");

        await Git.CheckoutAsync(Project, head, newer, None);
        await Git.CheckoutAsync(Project, old, older, None);

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(newer, "app.txt")), Is.EqualTo("version 2"));
            Assert.That(File.ReadAllText(Path.Combine(newer, "added.txt")), Is.EqualTo("new in 2"));
            Assert.That(File.ReadAllText(Path.Combine(older, "app.txt")), Is.EqualTo("version 1"));
            Assert.That(File.Exists(Path.Combine(older, "added.txt")), Is.False);
            Assert.That(SourceRepository.Existing(newer).Git("rev-parse", "HEAD").Trim(), Is.EqualTo(head));
            Assert.That(SourceRepository.Existing(older).Git("rev-parse", "HEAD").Trim(), Is.EqualTo(old));
        });

        // A job that changes its files changes nothing for another job, nor for the mirror.
        File.WriteAllText(Path.Combine(newer, "app.txt"), "changed by job a");
        File.WriteAllText(Path.Combine(newer, "build-output.bin"), "x");
        var third = Path.Combine(Temp.Path, "jobs", "c", "workspace");
        await Git.CheckoutAsync(Project, head, third, None);
        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllText(Path.Combine(older, "app.txt")), Is.EqualTo("version 1"));
            Assert.That(File.ReadAllText(Path.Combine(third, "app.txt")), Is.EqualTo("version 2"));
            Assert.That(File.Exists(Path.Combine(third, "build-output.bin")), Is.False);
        });
    }

    [Test]
    public async Task A_commit_already_in_the_mirror_is_not_fetched_again()
    {
        var head = Source.Commit("first", ("a.txt", "a"));
        await Git.FetchAsync(Project, Source.Url, "main", null, None);
        Source.MoveTo(Path.Combine(Temp.Path, "moved-away"));
        var goneUrl = new Uri(Path.Combine(Temp.Path, "source")).AbsoluteUri;

        // The remote is gone: only a fetch that never contacts it can succeed.
        var sha = await Git.FetchAsync(Project, goneUrl, "main", head, None);

        Assert.That(sha, Is.EqualTo(head));
        Assert.ThrowsAsync<GitException>(() => Git.FetchAsync(Project, goneUrl, "main", null, None),
            "without a known sha the fetch must ask the remote, which is gone");
    }

    [Test]
    public async Task A_commit_already_in_the_mirror_leaves_the_mirror_untouched_even_when_the_branch_moved_on()
    {
        var first = Source.Commit("first", ("a.txt", "a"));
        await Git.FetchAsync(Project, Source.Url, "main", null, None);
        var mirror = Mirror;
        Source.Commit("second", ("a.txt", "b"));

        var sha = await Git.FetchAsync(Project, Source.Url, "main", first, None);

        // A fetch would have moved the mirror's main to the second commit.
        Assert.Multiple(() =>
        {
            Assert.That(sha, Is.EqualTo(first));
            Assert.That(mirror.Git("rev-parse", "refs/heads/main").Trim(), Is.EqualTo(first));
        });
    }

    [Test]
    public async Task A_commit_known_by_its_short_sha_is_returned_in_full()
    {
        var head = Source.Commit("first", ("a.txt", "a"));
        await Git.FetchAsync(Project, Source.Url, "main", null, None);

        Assert.That(await Git.FetchAsync(Project, Source.Url, "main", head[..10], None), Is.EqualTo(head));
    }

    [Test]
    public async Task A_commit_pushed_later_is_found_by_the_next_fetch()
    {
        Source.Commit("first", ("a.txt", "a"));
        await Git.FetchAsync(Project, Source.Url, "main", null, None);
        var pushed = Source.Commit("second", ("a.txt", "b"));

        Assert.That(await Git.FetchAsync(Project, Source.Url, "main", null, None), Is.EqualTo(pushed));

        var pushedAgain = Source.Commit("third", ("a.txt", "c"));
        Assert.That(await Git.FetchAsync(Project, Source.Url, "main", pushedAgain, None), Is.EqualTo(pushedAgain));
        Assert.That(await Git.ReadFileAsync(Project, pushedAgain, "a.txt", MaxFileBytes, None), Is.EqualTo("c"));
    }

    [Test]
    public async Task An_annotated_tag_fetched_by_its_full_ref_gives_the_tagged_commit()
    {
        var tagged = Source.Commit("release", ("version.txt", "1.0"));
        Source.Tag("v1", "version 1");
        Source.Commit("after release", ("version.txt", "1.1-dev"));

        var sha = await Git.FetchAsync(Project, Source.Url, "refs/tags/v1", null, None);

        Assert.Multiple(async () =>
        {
            Assert.That(sha, Is.EqualTo(tagged), "the commit, not the tag object");
            Assert.That(await Git.ReadFileAsync(Project, sha, "version.txt", MaxFileBytes, None), Is.EqualTo("1.0"));
        });
    }

    [Test]
    public async Task A_lightweight_tag_fetched_by_its_full_ref_gives_the_tagged_commit()
    {
        var tagged = Source.Commit("release", ("version.txt", "2.0"));
        Source.Tag("v2");
        Source.Commit("after release", ("version.txt", "2.1-dev"));

        Assert.That(await Git.FetchAsync(Project, Source.Url, "refs/tags/v2", null, None), Is.EqualTo(tagged));
    }

    [Test]
    public async Task A_pull_request_ref_can_be_fetched_by_its_full_ref()
    {
        Source.Commit("base", ("a.txt", "base"));
        Source.Git("checkout", "--quiet", "-b", "contributor");
        var proposed = Source.Commit("proposal", ("a.txt", "proposed"));
        Source.Git("update-ref", "refs/pull/7/head", proposed);
        Source.Git("checkout", "--quiet", "main");
        Source.Git("branch", "--quiet", "-D", "contributor");

        var sha = await Git.FetchAsync(Project, Source.Url, "refs/pull/7/head", null, None);

        Assert.Multiple(async () =>
        {
            Assert.That(sha, Is.EqualTo(proposed));
            Assert.That(await Git.ReadFileAsync(Project, sha, "a.txt", MaxFileBytes, None), Is.EqualTo("proposed"));
        });
        var workspace = Path.Combine(Temp.Path, "pr-workspace");
        await Git.CheckoutAsync(Project, sha, workspace, None);
        Assert.That(File.ReadAllText(Path.Combine(workspace, "a.txt")), Is.EqualTo("proposed"));
    }

    [Test]
    public async Task A_sha_not_on_the_given_ref_but_in_the_source_is_fetched_by_itself()
    {
        Source.Commit("base", ("a.txt", "base"));
        Source.Git("checkout", "--quiet", "-b", "elsewhere");
        var elsewhere = Source.Commit("on another branch", ("a.txt", "elsewhere"));
        Source.Git("checkout", "--quiet", "main");

        var sha = await Git.FetchAsync(Project, Source.Url, "main", elsewhere, None);

        Assert.Multiple(async () =>
        {
            Assert.That(sha, Is.EqualTo(elsewhere));
            Assert.That(await Git.ReadFileAsync(Project, sha, "a.txt", MaxFileBytes, None), Is.EqualTo("elsewhere"));
        });
    }

    [Test]
    public async Task The_commit_of_an_event_is_fetched_even_after_its_branch_was_force_pushed_away()
    {
        Source.Commit("base", ("a.txt", "base"));
        var pushed = Source.Commit("pushed, then force-pushed away", ("a.txt", "gone from main"));
        Source.Git("reset", "--quiet", "--hard", "HEAD~1");
        var rewritten = Source.Commit("rewritten", ("a.txt", "rewritten"));

        var sha = await Git.FetchAsync(Project, Source.Url, "main", pushed, None);

        Assert.Multiple(async () =>
        {
            Assert.That(sha, Is.EqualTo(pushed));
            Assert.That(await Git.ReadFileAsync(Project, sha, "a.txt", MaxFileBytes, None), Is.EqualTo("gone from main"));
            Assert.That(await Git.FetchAsync(Project, Source.Url, "main", null, None), Is.EqualTo(rewritten));
        });
    }

    [Test]
    public void A_repository_url_that_does_not_exist_fails_with_gits_words_and_the_url()
    {
        var missing = new Uri(Path.Combine(Temp.Path, "no-such-repo")).AbsoluteUri;

        var error = Assert.ThrowsAsync<GitException>(() => Git.FetchAsync(Project, missing, "main", null, None));

        Assert.That(error!.Message, Does.Contain(missing).And.Contain("does not appear to be a git repository"));
    }

    [Test]
    public void A_repository_url_that_does_not_exist_fails_also_when_a_sha_is_given()
    {
        var missing = new Uri(Path.Combine(Temp.Path, "no-such-repo")).AbsoluteUri;

        var error = Assert.ThrowsAsync<GitException>(() => Git.FetchAsync(Project, missing, "main", new string('a', 40), None));

        Assert.That(error!.Message, Does.Contain(missing).And.Contain("does not appear to be a git repository"));
    }

    [Test]
    public void An_unknown_branch_fails_naming_the_ref()
    {
        Source.Commit("base", ("a.txt", "base"));

        var error = Assert.ThrowsAsync<GitException>(() => Git.FetchAsync(Project, Source.Url, "no-such-branch", null, None));

        Assert.That(error!.Message, Does.Contain("refs/heads/no-such-branch").And.Contain("couldn't find remote ref"));
    }

    [Test]
    public async Task A_sha_that_exists_nowhere_fails_naming_the_sha()
    {
        Source.Commit("base", ("a.txt", "base"));
        await Git.FetchAsync(Project, Source.Url, "main", null, None);
        var unknown = "0123456789abcdef0123456789abcdef01234567";

        var error = Assert.ThrowsAsync<GitException>(() => Git.FetchAsync(Project, Source.Url, "main", unknown, None));

        Assert.That(error!.Message, Does.Contain(unknown));
    }

    [Test]
    public async Task A_project_whose_url_changed_fetches_from_the_new_url()
    {
        Source.Commit("base", ("a.txt", "base"));
        await Git.FetchAsync(Project, Source.Url, "main", null, None);
        var moved = new SourceRepository(Path.Combine(Temp.Path, "new-home"));
        var head = moved.Commit("a different history", ("b.txt", "b"));

        Assert.That(await Git.FetchAsync(Project, moved.Url, "main", null, None), Is.EqualTo(head));
    }
}
