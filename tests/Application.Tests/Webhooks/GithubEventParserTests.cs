using System.Text.Json.Nodes;
using Comet.Application.Webhooks;
using Comet.Domain.Projects;
using static Comet.Application.Tests.Webhooks.GithubPayloads;

namespace Comet.Application.Tests.Webhooks;

public sealed class GithubEventParserTests
{
    private static ForgeEvent Parse(string? eventName, string json) =>
        ForgeEventParser.Parse(Forge.Github, eventName, Payload.Bytes(json));

    [Test]
    public void Push_to_a_branch_builds_the_pushed_commit_on_that_branch()
    {
        var e = Parse("push", Push);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Push));
            Assert.That(e.Ref, Is.EqualTo("refs/heads/main"));
            Assert.That(e.FetchRef, Is.EqualTo("refs/heads/main"));
            Assert.That(e.Sha, Is.EqualTo(HeadSha));
            Assert.That(e.Branch, Is.EqualTo("main"));
            Assert.That(e.Tag, Is.Null);
            Assert.That(e.TargetBranch, Is.Null);
            Assert.That(e.PullRequestNumber, Is.Null);
            Assert.That(e.CommitMessage, Is.EqualTo("Fix countdown off-by-one\n\nThe countdown started at 11."));
            Assert.That(e.CommitAuthor, Is.EqualTo("Ada Lovelace"), "the head commit's author, not the pusher's login");
            Assert.That(e.SkipCi, Is.False);
            Assert.That(e.StartsRun, Is.True);
            Assert.That(e.Sender, Is.EqualTo("ada"));
            Assert.That(e.Reason, Is.Null);
        });
    }

    [Test]
    public void Push_offers_every_repository_url_for_project_lookup()
    {
        var e = Parse("push", Push);

        Assert.That(e.RepositoryUrls, Is.EquivalentTo(new[]
        {
            "https://github.com/Acme/Rocket.git",
            "git@github.com:Acme/Rocket.git",
            "git://github.com/Acme/Rocket.git",
            "https://github.com/Acme/Rocket",
        }));
        Assert.That(e.RepositoryUrls.Select(RepositoryUrl.Normalize).Distinct(), Is.EqualTo(new[] { "github.com/acme/rocket" }));
    }

    [Test]
    public void Push_lists_the_files_every_pushed_commit_added_modified_or_removed_once()
    {
        var e = Parse("push", Push);

        Assert.That(e.ChangedFiles, Is.EqualTo(new[]
        {
            "docs/launch.md", "docs/old-countdown.md", "src/Countdown.cs", "src/Launch.cs", "src/Rocket.csproj",
        }));
    }

    [TestCase("[skip ci] Fix countdown")]
    [TestCase("Fix countdown [ci skip]")]
    [TestCase("Fix countdown\n\nDocs only, [SKIP CI] please")]
    [TestCase("Fix countdown [Ci Skip] in the middle of the subject")]
    public void Skip_ci_marker_anywhere_in_the_head_commit_message_sets_SkipCi(string message)
    {
        var e = Parse("push", Payload.With(Push, p => p.Obj("head_commit")["message"] = message));

        Assert.Multiple(() =>
        {
            Assert.That(e.SkipCi, Is.True);
            Assert.That(e.StartsRun, Is.False);
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Push));
        });
    }

    [TestCase("skip ci: no brackets")]
    [TestCase("[skip-ci] is not a marker we know")]
    [TestCase("[skipci]")]
    public void Messages_without_an_exact_marker_do_not_skip(string message)
    {
        var e = Parse("push", Payload.With(Push, p => p.Obj("head_commit")["message"] = message));

        Assert.That(e.SkipCi, Is.False);
    }

    [Test]
    public void Skip_ci_in_an_older_commit_of_the_push_does_not_skip_the_head()
    {
        var json = Payload.With(Push, p =>
        {
            p.Arr("commits")[0]!.AsObject()["message"] = "WIP [skip ci]";
            p.Remove("head_commit");
        });

        var e = Parse("push", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.SkipCi, Is.False);
            Assert.That(e.CommitMessage, Does.StartWith("Fix countdown"));
        });
    }

    [Test]
    public void Null_head_commit_takes_the_message_from_the_listed_commit_with_the_after_sha()
    {
        var json = Payload.With(Push, p =>
        {
            p["head_commit"] = null;
            p.Arr("commits")[1]!.AsObject()["message"] = "Tidy up [ci skip]";
            p.Arr("commits")[1]!.AsObject()["author"] = new JsonObject { ["name"] = "Grace Hopper" };
        });

        var e = Parse("push", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Sha, Is.EqualTo(HeadSha));
            Assert.That(e.CommitMessage, Is.EqualTo("Tidy up [ci skip]"));
            Assert.That(e.CommitAuthor, Is.EqualTo("Grace Hopper"));
            Assert.That(e.SkipCi, Is.True);
        });
    }

    [Test]
    public void Push_without_head_commit_or_commits_still_builds_after_with_unknown_files()
    {
        var json = Payload.With(Push, p =>
        {
            p.Remove("head_commit");
            p.Remove("commits");
        });

        var e = Parse("push", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Push));
            Assert.That(e.Sha, Is.EqualTo(HeadSha));
            Assert.That(e.CommitMessage, Is.Null);
            Assert.That(e.SkipCi, Is.False);
            Assert.That(e.ChangedFiles, Is.Null);
        });
    }

    [Test]
    public void Head_commit_with_null_message_reads_as_no_message()
    {
        var e = Parse("push", Payload.With(Push, p => p.Obj("head_commit")["message"] = null));

        Assert.Multiple(() =>
        {
            Assert.That(e.CommitMessage, Is.Null);
            Assert.That(e.SkipCi, Is.False);
        });
    }

    [Test]
    public void Twenty_listed_commits_may_be_a_cut_list_so_changed_files_are_unknown()
    {
        var json = Payload.With(Push, p =>
        {
            var commits = new JsonArray();
            for (var i = 0; i < 19; i++)
                commits.Add(Payload.Commit(Payload.Sha(i), $"Step {i}", modified: [$"src/File{i}.cs"]));
            commits.Add(Payload.Commit(HeadSha, "Last step", modified: ["src/Last.cs"]));
            p["commits"] = commits;
        });

        Assert.That(Parse("push", json).ChangedFiles, Is.Null);
    }

    [Test]
    public void Nineteen_listed_commits_are_the_whole_push_so_changed_files_are_known()
    {
        var json = Payload.With(Push, p =>
        {
            var commits = new JsonArray();
            for (var i = 0; i < 18; i++)
                commits.Add(Payload.Commit(Payload.Sha(i), $"Step {i}", modified: [$"src/File{i:00}.cs"]));
            commits.Add(Payload.Commit(HeadSha, "Last step", removed: ["src/Last.cs"]));
            p["commits"] = commits;
        });

        var files = Parse("push", json).ChangedFiles;

        Assert.That(files, Has.Count.EqualTo(19).And.Contains("src/Last.cs").And.Contains("src/File17.cs"));
    }

    [Test]
    public void A_commit_without_file_lists_makes_changed_files_unknown()
    {
        var json = Payload.With(Push, p =>
        {
            var commit = p.Arr("commits")[0]!.AsObject();
            commit.Remove("added");
            commit.Remove("modified");
            commit.Remove("removed");
        });

        Assert.That(Parse("push", json).ChangedFiles, Is.Null);
    }

    [Test]
    public void New_branch_at_an_existing_commit_lists_no_commits_so_changed_files_are_unknown()
    {
        var json = Payload.With(Push, p =>
        {
            p["ref"] = "refs/heads/release/2.0";
            p["before"] = "0000000000000000000000000000000000000000";
            p["created"] = true;
            p["commits"] = new JsonArray();
        });

        var e = Parse("push", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Push));
            Assert.That(e.Branch, Is.EqualTo("release/2.0"));
            Assert.That(e.ChangedFiles, Is.Null);
        });
    }

    [Test]
    public void Unicode_branch_names_and_messages_come_through_unchanged()
    {
        var json = Payload.With(Push, p =>
        {
            p["ref"] = "refs/heads/機能/ロケット-🚀";
            p.Obj("head_commit")["message"] = "打ち上げ準備完了 🚀 — naïve café";
            p.Arr("commits")[1]!.AsObject()["added"] = new JsonArray("docs/説明.md");
        });

        var e = Parse("push", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Branch, Is.EqualTo("機能/ロケット-🚀"));
            Assert.That(e.Ref, Is.EqualTo("refs/heads/機能/ロケット-🚀"));
            Assert.That(e.CommitMessage, Is.EqualTo("打ち上げ準備完了 🚀 — naïve café"));
            Assert.That(e.ChangedFiles, Does.Contain("docs/説明.md"));
        });
    }

    [Test]
    public void Tag_push_builds_the_tagged_commit_not_the_tag_object()
    {
        var e = Parse("push", TagPush);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Tag));
            Assert.That(e.Ref, Is.EqualTo("refs/tags/v1.2.0"));
            Assert.That(e.FetchRef, Is.EqualTo("refs/tags/v1.2.0"));
            Assert.That(e.Tag, Is.EqualTo("v1.2.0"));
            Assert.That(e.Branch, Is.Null);
            Assert.That(e.Sha, Is.EqualTo(HeadSha));
            Assert.That(e.ChangedFiles, Is.Null);
            Assert.That(e.StartsRun, Is.True);
        });
    }

    [Test]
    public void Branch_deletion_push_is_Deleted_and_names_the_branch()
    {
        var e = Parse("push", BranchDeleted);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Deleted));
            Assert.That(e.Branch, Is.EqualTo("feature/old-engine"));
            Assert.That(e.Ref, Is.EqualTo("refs/heads/feature/old-engine"));
            Assert.That(e.Sha, Is.Null);
            Assert.That(e.StartsRun, Is.False);
            Assert.That(e.Reason, Is.EqualTo("branch 'feature/old-engine' was deleted"));
            Assert.That(e.RepositoryUrls, Does.Contain("https://github.com/Acme/Rocket.git"));
        });
    }

    [Test]
    public void Deleted_flag_alone_marks_a_deletion()
    {
        var json = Payload.With(Push, p => p["deleted"] = true);

        Assert.That(Parse("push", json).Kind, Is.EqualTo(ForgeEventKind.Deleted));
    }

    [Test]
    public void All_zero_after_alone_marks_a_deletion()
    {
        var json = Payload.With(BranchDeleted, p => p.Remove("deleted"));

        Assert.That(Parse("push", json).Kind, Is.EqualTo(ForgeEventKind.Deleted));
    }

    [Test]
    public void Tag_deletion_push_is_Deleted_and_names_the_tag()
    {
        var json = Payload.With(BranchDeleted, p => p["ref"] = "refs/tags/v0.9.0");

        var e = Parse("push", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Deleted));
            Assert.That(e.Tag, Is.EqualTo("v0.9.0"));
            Assert.That(e.Branch, Is.Null);
            Assert.That(e.Reason, Is.EqualTo("tag 'v0.9.0' was deleted"));
        });
    }

    [Test]
    public void Delete_event_is_Deleted_with_the_full_ref()
    {
        var e = Parse("delete", DeleteEvent);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Deleted));
            Assert.That(e.Ref, Is.EqualTo("refs/tags/v0.9.0"));
            Assert.That(e.Tag, Is.EqualTo("v0.9.0"));
        });
    }

    [Test]
    public void Push_to_a_ref_that_is_neither_branch_nor_tag_is_Ignored()
    {
        var e = Parse("push", Payload.With(Push, p => p["ref"] = "refs/notes/commits"));

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Ignored));
            Assert.That(e.Reason, Does.Contain("refs/notes/commits"));
        });
    }

    [Test]
    public void Pull_request_from_a_fork_builds_the_head_sha_fetched_from_the_base_repository()
    {
        var e = Parse("pull_request", PullRequestOpened);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.PullRequest));
            Assert.That(e.Sha, Is.EqualTo(PrHeadSha));
            Assert.That(e.Ref, Is.EqualTo("refs/pull/7/head"));
            Assert.That(e.FetchRef, Is.EqualTo("refs/pull/7/head"));
            Assert.That(e.Branch, Is.EqualTo("throttle"));
            Assert.That(e.TargetBranch, Is.EqualTo("main"));
            Assert.That(e.PullRequestNumber, Is.EqualTo("7"));
            Assert.That(e.Sender, Is.EqualTo("grace"));
            Assert.That(e.ChangedFiles, Is.Null);
            Assert.That(e.StartsRun, Is.True);
        });
    }

    [Test]
    public void Pull_request_repository_urls_are_the_base_repository_never_the_fork()
    {
        var e = Parse("pull_request", PullRequestOpened);

        Assert.Multiple(() =>
        {
            Assert.That(e.RepositoryUrls, Does.Contain("https://github.com/Acme/Rocket.git"));
            Assert.That(e.RepositoryUrls, Does.Contain("git@github.com:Acme/Rocket.git"));
            Assert.That(e.RepositoryUrls, Has.None.Contains("grace"));
        });
    }

    [TestCase("synchronize")]
    [TestCase("reopened")]
    public void Pull_request_new_commits_or_reopen_start_a_run(string action)
    {
        var e = Parse("pull_request", Payload.With(PullRequestOpened, p => p["action"] = action));

        Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.PullRequest));
    }

    [TestCase("closed")]
    [TestCase("labeled")]
    [TestCase("edited")]
    [TestCase("assigned")]
    public void Other_pull_request_actions_are_Ignored_with_the_action_named(string action)
    {
        var e = Parse("pull_request", Payload.With(PullRequestOpened, p => p["action"] = action));

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Ignored));
            Assert.That(e.Reason, Is.EqualTo($"pull request action '{action}' does not start runs"));
            Assert.That(e.RepositoryUrls, Does.Contain("https://github.com/Acme/Rocket.git"));
        });
    }

    [Test]
    public void Pull_request_number_may_arrive_as_a_string()
    {
        var json = Payload.With(PullRequestOpened, p =>
        {
            p["number"] = "7";
            p.Obj("pull_request")["id"] = "1834567890";
        });

        var e = Parse("pull_request", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.PullRequestNumber, Is.EqualTo("7"));
            Assert.That(e.FetchRef, Is.EqualTo("refs/pull/7/head"));
        });
    }

    [Test]
    public void Pull_request_number_falls_back_to_the_pull_request_object()
    {
        var json = Payload.With(PullRequestOpened, p =>
        {
            p.Remove("number");
            p.Obj("pull_request")["number"] = 42;
        });

        Assert.That(Parse("pull_request", json).FetchRef, Is.EqualTo("refs/pull/42/head"));
    }

    [Test]
    public void Pull_request_whose_fork_was_deleted_still_builds()
    {
        var json = Payload.With(PullRequestOpened, p => p.Obj("pull_request").Obj("head")["repo"] = null);

        var e = Parse("pull_request", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.PullRequest));
            Assert.That(e.Sha, Is.EqualTo(PrHeadSha));
        });
    }

    [Test]
    public void Pull_request_number_that_is_not_a_number_is_refused_before_it_reaches_a_ref()
    {
        var json = Payload.With(PullRequestOpened, p => p["number"] = "7/../../heads/main");

        var error = Assert.Throws<WebhookPayloadException>(() => Parse("pull_request", json));

        Assert.That(error!.Message, Does.Contain("number").And.Contain("not a positive number"));
    }

    [Test]
    public void Pull_request_without_head_sha_is_refused_with_the_missing_field_named()
    {
        var json = Payload.With(PullRequestOpened, p => p.Obj("pull_request").Obj("head").Remove("sha"));

        var error = Assert.Throws<WebhookPayloadException>(() => Parse("pull_request", json));

        Assert.That(error!.Message, Does.Contain("pull_request.head.sha"));
    }

    [Test]
    public void Ping_is_a_Ping_that_names_the_hook_and_keeps_the_repository()
    {
        var e = Parse("ping", Ping);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Ping));
            Assert.That(e.Reason, Is.EqualTo("ping from hook 478123456: Design for failure."));
            Assert.That(e.RepositoryUrls, Does.Contain("https://github.com/Acme/Rocket.git"));
            Assert.That(e.StartsRun, Is.False);
        });
    }

    [Test]
    public void Ping_from_an_organization_hook_has_no_repository_and_still_parses()
    {
        var json = Payload.With(Ping, p => p.Remove("repository"));

        var e = Parse("ping", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Ping));
            Assert.That(e.RepositoryUrls, Is.Empty);
        });
    }

    [Test]
    public void Unknown_event_is_Ignored_with_a_reason_naming_it()
    {
        var e = Parse("issues", IssueOpened);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Ignored));
            Assert.That(e.Reason, Is.EqualTo("event 'issues' does not start runs"));
            Assert.That(e.RepositoryUrls, Does.Contain("https://github.com/Acme/Rocket.git"));
            Assert.That(e.Sender, Is.EqualTo("grace"));
        });
    }

    [Test]
    public void Create_event_is_Ignored_because_its_push_starts_the_run()
    {
        var json = """{"ref":"v1.2.0","ref_type":"tag","master_branch":"main","pusher_type":"user","repository":{"clone_url":"https://github.com/Acme/Rocket.git"},"sender":{"login":"ada"}}""";

        var e = Parse("create", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Ignored));
            Assert.That(e.Reason, Does.StartWith("event 'create' does not start runs"));
        });
    }

    [Test]
    public void Missing_event_header_is_Ignored_and_says_so()
    {
        var e = Parse(null, Push);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Ignored));
            Assert.That(e.Reason, Does.Contain("X-GitHub-Event"));
        });
    }

    [Test]
    public void Event_name_is_matched_regardless_of_case_and_surrounding_space()
    {
        Assert.That(Parse(" Push ", Push).Kind, Is.EqualTo(ForgeEventKind.Push));
    }

    [Test]
    public void Push_without_ref_is_refused_with_the_missing_field_named()
    {
        var json = Payload.With(Push, p => p.Remove("ref"));

        var error = Assert.Throws<WebhookPayloadException>(() => Parse("push", json));

        Assert.That(error!.Message, Is.EqualTo("GitHub push payload has no 'ref'."));
    }

    [Test]
    public void Push_with_an_after_that_is_not_a_sha_is_refused()
    {
        var json = Payload.With(Push, p =>
        {
            p["after"] = "--upload-pack=touch /tmp/pwned";
            p.Remove("head_commit");
        });

        var error = Assert.Throws<WebhookPayloadException>(() => Parse("push", json));

        Assert.That(error!.Message, Does.Contain("'after'").And.Contain("not a full commit sha"));
    }

    [Test]
    public void Uppercase_sha_is_returned_lowercase()
    {
        var json = Payload.With(Push, p =>
        {
            p["after"] = HeadSha.ToUpperInvariant();
            p.Remove("head_commit");
        });

        Assert.That(Parse("push", json).Sha, Is.EqualTo(HeadSha));
    }
}
