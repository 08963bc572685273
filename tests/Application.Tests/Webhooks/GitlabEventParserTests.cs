using System.Text.Json.Nodes;
using Comet.Application.Webhooks;
using Comet.Domain.Projects;
using static Comet.Application.Tests.Webhooks.GitlabPayloads;

namespace Comet.Application.Tests.Webhooks;

public sealed class GitlabEventParserTests
{
    private const string ZeroSha = "0000000000000000000000000000000000000000";

    private static ForgeEvent Parse(string? eventName, string json) =>
        ForgeEventParser.Parse(Forge.Gitlab, eventName, Payload.Bytes(json));

    [Test]
    public void Push_hook_builds_checkout_sha_on_the_pushed_branch()
    {
        var e = Parse("Push Hook", Push);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Push));
            Assert.That(e.Ref, Is.EqualTo("refs/heads/master"));
            Assert.That(e.FetchRef, Is.EqualTo("refs/heads/master"));
            Assert.That(e.Branch, Is.EqualTo("master"));
            Assert.That(e.Sha, Is.EqualTo(CheckoutSha));
            Assert.That(e.CommitMessage, Is.EqualTo("fixed readme"));
            Assert.That(e.CommitAuthor, Is.EqualTo("GitLab dev user"), "the checkout commit's author, not the first listed commit's");
            Assert.That(e.SkipCi, Is.False);
            Assert.That(e.Sender, Is.EqualTo("jsmith"));
            Assert.That(e.PullRequestNumber, Is.Null);
        });
    }

    [Test]
    public void Push_hook_offers_project_and_repository_urls_that_all_name_one_project()
    {
        var e = Parse("Push Hook", Push);

        Assert.Multiple(() =>
        {
            Assert.That(e.RepositoryUrls, Does.Contain("https://gitlab.example.com/mygroup/Ground-Control.git"));
            Assert.That(e.RepositoryUrls, Does.Contain("git@gitlab.example.com:mygroup/Ground-Control.git"));
            Assert.That(e.RepositoryUrls, Does.Contain("https://gitlab.example.com/mygroup/Ground-Control"));
            Assert.That(e.RepositoryUrls, Is.Unique);
            Assert.That(e.RepositoryUrls.Select(RepositoryUrl.Normalize).Distinct(),
                Is.EqualTo(new[] { "gitlab.example.com/mygroup/ground-control" }));
        });
    }

    [Test]
    public void Push_hook_lists_changed_files_when_every_commit_is_listed()
    {
        var e = Parse("Push Hook", Push);

        Assert.That(e.ChangedFiles, Is.EqualTo(new[] { "CHANGELOG", "README.md", "app/controller/application.rb", "docs/old.md" }));
    }

    [Test]
    public void Push_of_25_commits_listing_20_has_unknown_changed_files_but_still_finds_the_head_message()
    {
        var e = Parse("Push Hook", PushOf25Commits());

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Push));
            Assert.That(e.ChangedFiles, Is.Null);
            Assert.That(e.CommitMessage, Is.EqualTo("Finish the steps"));
        });
    }

    [Test]
    public void Twenty_listed_commits_without_a_total_count_may_be_cut_so_changed_files_are_unknown()
    {
        var json = Payload.With(PushOf25Commits(), p => p.Remove("total_commits_count"));

        Assert.That(Parse("Push Hook", json).ChangedFiles, Is.Null);
    }

    [Test]
    public void Numbers_sent_as_strings_are_read_like_numbers()
    {
        var json = Payload.With(Push, p =>
        {
            p["project_id"] = "15";
            p["user_id"] = "4";
            p.Obj("project")["id"] = "15";
            p["total_commits_count"] = "3";
        });

        var e = Parse("Push Hook", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Push));
            // 3 pushed, 2 listed: the list is cut.
            Assert.That(e.ChangedFiles, Is.Null);
        });
    }

    [TestCase("fixed readme [skip ci]")]
    [TestCase("[CI SKIP] fixed readme")]
    public void Skip_ci_in_the_checkout_commit_message_sets_SkipCi(string message)
    {
        var json = Payload.With(Push, p => p.Arr("commits")[1]!.AsObject()["message"] = message);

        Assert.That(Parse("Push Hook", json).SkipCi, Is.True);
    }

    [Test]
    public void Skip_ci_in_an_earlier_commit_does_not_skip_the_checkout_commit()
    {
        var json = Payload.With(Push, p => p.Arr("commits")[0]!.AsObject()["message"] = "Translations [skip ci]");

        Assert.That(Parse("Push Hook", json).SkipCi, Is.False);
    }

    [Test]
    public void Push_with_null_checkout_sha_builds_after()
    {
        var json = Payload.With(Push, p => p["checkout_sha"] = null);

        Assert.That(Parse("Push Hook", json).Sha, Is.EqualTo(CheckoutSha));
    }

    [Test]
    public void Push_without_commits_still_builds_with_unknown_files_and_no_message()
    {
        var json = Payload.With(Push, p =>
        {
            p.Remove("commits");
            p.Remove("total_commits_count");
        });

        var e = Parse("Push Hook", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Push));
            Assert.That(e.CommitMessage, Is.Null);
            Assert.That(e.ChangedFiles, Is.Null);
        });
    }

    [Test]
    public void Unicode_branch_names_and_messages_come_through_unchanged()
    {
        var json = Payload.With(Push, p =>
        {
            p["ref"] = "refs/heads/功能/遥测-📡";
            p.Arr("commits")[1]!.AsObject()["message"] = "修复自述文件 📡";
        });

        var e = Parse("Push Hook", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Branch, Is.EqualTo("功能/遥测-📡"));
            Assert.That(e.CommitMessage, Is.EqualTo("修复自述文件 📡"));
        });
    }

    [Test]
    public void Tag_push_hook_builds_the_checkout_sha_not_the_tag_object()
    {
        var e = Parse("Tag Push Hook", TagPush);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Tag));
            Assert.That(e.Tag, Is.EqualTo("v1.0.0"));
            Assert.That(e.Ref, Is.EqualTo("refs/tags/v1.0.0"));
            Assert.That(e.Sha, Is.EqualTo(CheckoutSha));
            Assert.That(e.Branch, Is.Null);
            Assert.That(e.ChangedFiles, Is.Null);
            Assert.That(e.Sender, Is.EqualTo("jsmith"));
        });
    }

    [Test]
    public void Branch_deletion_is_Deleted()
    {
        var json = Payload.With(Push, p =>
        {
            p["ref"] = "refs/heads/feature/telemetry";
            p["after"] = ZeroSha;
            p["checkout_sha"] = null;
            p["commits"] = new JsonArray();
            p["total_commits_count"] = 0;
        });

        var e = Parse("Push Hook", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Deleted));
            Assert.That(e.Branch, Is.EqualTo("feature/telemetry"));
            Assert.That(e.Sha, Is.Null);
            Assert.That(e.Reason, Is.EqualTo("branch 'feature/telemetry' was deleted"));
        });
    }

    [Test]
    public void Tag_deletion_is_Deleted()
    {
        var json = Payload.With(TagPush, p =>
        {
            p["before"] = "82b3d5ae55f7080f1e6022629cdb57bfae7cccc7";
            p["after"] = ZeroSha;
            p["checkout_sha"] = null;
        });

        var e = Parse("Tag Push Hook", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Deleted));
            Assert.That(e.Tag, Is.EqualTo("v1.0.0"));
        });
    }

    [Test]
    public void Merge_request_update_with_new_commits_builds_the_last_commit_from_the_merge_request_ref()
    {
        var e = Parse("Merge Request Hook", MergeRequestUpdate);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.PullRequest));
            Assert.That(e.Sha, Is.EqualTo(MergeRequestHeadSha));
            Assert.That(e.Ref, Is.EqualTo("refs/merge-requests/12/head"));
            Assert.That(e.FetchRef, Is.EqualTo("refs/merge-requests/12/head"));
            Assert.That(e.Branch, Is.EqualTo("telemetry"));
            Assert.That(e.TargetBranch, Is.EqualTo("master"));
            Assert.That(e.PullRequestNumber, Is.EqualTo("12"));
            Assert.That(e.CommitMessage, Is.EqualTo("Stream telemetry over UDP\n"));
            Assert.That(e.Sender, Is.EqualTo("root"));
        });
    }

    [Test]
    public void Merge_request_from_a_fork_offers_the_target_project_urls_not_the_source_project()
    {
        var e = Parse("Merge Request Hook", MergeRequestUpdate);

        Assert.Multiple(() =>
        {
            Assert.That(e.RepositoryUrls, Does.Contain("https://gitlab.example.com/mygroup/Ground-Control.git"));
            Assert.That(e.RepositoryUrls, Has.None.Contains("contributor"));
        });
    }

    [TestCase("open")]
    [TestCase("reopen")]
    public void Merge_request_open_and_reopen_start_a_run(string action)
    {
        var json = Payload.With(MergeRequestUpdate, p =>
        {
            p.Obj("object_attributes")["action"] = action;
            p.Obj("object_attributes").Remove("oldrev");
        });

        Assert.That(Parse("Merge Request Hook", json).Kind, Is.EqualTo(ForgeEventKind.PullRequest));
    }

    [Test]
    public void Merge_request_update_without_new_commits_is_Ignored()
    {
        var json = Payload.With(MergeRequestUpdate, p => p.Obj("object_attributes").Remove("oldrev"));

        var e = Parse("Merge Request Hook", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Ignored));
            Assert.That(e.Reason, Does.Contain("'update' without new commits"));
        });
    }

    [TestCase("close")]
    [TestCase("merge")]
    [TestCase("approved")]
    public void Other_merge_request_actions_are_Ignored_with_the_action_named(string action)
    {
        var json = Payload.With(MergeRequestUpdate, p => p.Obj("object_attributes")["action"] = action);

        var e = Parse("Merge Request Hook", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Ignored));
            Assert.That(e.Reason, Is.EqualTo($"merge request action '{action}' does not start runs"));
        });
    }

    [Test]
    public void Merge_request_iid_and_project_ids_may_arrive_as_strings()
    {
        var json = Payload.With(MergeRequestUpdate, p =>
        {
            var attributes = p.Obj("object_attributes");
            attributes["iid"] = "12";
            attributes["id"] = "99";
            attributes["source_project_id"] = "27";
            attributes["target_project_id"] = "15";
        });

        var e = Parse("Merge Request Hook", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.PullRequestNumber, Is.EqualTo("12"));
            Assert.That(e.FetchRef, Is.EqualTo("refs/merge-requests/12/head"));
        });
    }

    [Test]
    public void Skip_ci_in_the_merge_request_last_commit_sets_SkipCi()
    {
        var json = Payload.With(MergeRequestUpdate, p =>
            p.Obj("object_attributes").Obj("last_commit")["message"] = "Typos\n\n[ci skip]");

        Assert.That(Parse("Merge Request Hook", json).SkipCi, Is.True);
    }

    [Test]
    public void Merge_request_with_unicode_source_branch_keeps_it()
    {
        var json = Payload.With(MergeRequestUpdate, p => p.Obj("object_attributes")["source_branch"] = "遥测-📡");

        Assert.That(Parse("Merge Request Hook", json).Branch, Is.EqualTo("遥测-📡"));
    }

    [Test]
    public void Merge_request_without_last_commit_is_refused_with_the_missing_field_named()
    {
        var json = Payload.With(MergeRequestUpdate, p => p.Obj("object_attributes").Remove("last_commit"));

        var error = Assert.Throws<WebhookPayloadException>(() => Parse("Merge Request Hook", json));

        Assert.That(error!.Message, Does.Contain("object_attributes.last_commit.id"));
    }

    [Test]
    public void System_hook_push_is_read_from_the_body()
    {
        Assert.That(Parse("System Hook", Push).Kind, Is.EqualTo(ForgeEventKind.Push));
    }

    [Test]
    public void System_hook_merge_request_is_read_from_the_body()
    {
        Assert.That(Parse("System Hook", MergeRequestUpdate).Kind, Is.EqualTo(ForgeEventKind.PullRequest));
    }

    [Test]
    public void System_hook_for_other_events_is_Ignored_with_the_kind_named()
    {
        var json = """{"event_name":"project_create","created_at":"2012-07-21T07:30:54Z","name":"StoreCloud","owner_email":"johnsmith@example.com","path":"storecloud","path_with_namespace":"jsmith/storecloud","project_id":74,"project_visibility":"private"}""";

        var e = Parse("System Hook", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Ignored));
            Assert.That(e.Reason, Is.EqualTo("event 'System Hook' (project_create) does not start runs"));
        });
    }

    [Test]
    public void Unknown_hook_is_Ignored_with_a_reason_naming_it()
    {
        var e = Parse("Note Hook", NoteHook);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Ignored));
            Assert.That(e.Reason, Is.EqualTo("event 'Note Hook' does not start runs"));
            Assert.That(e.RepositoryUrls, Does.Contain("https://gitlab.example.com/mygroup/Ground-Control.git"));
        });
    }

    [Test]
    public void Missing_event_header_falls_back_to_the_object_kind_in_the_body()
    {
        Assert.That(Parse(null, TagPush).Kind, Is.EqualTo(ForgeEventKind.Tag));
    }

    [Test]
    public void Event_header_is_matched_regardless_of_case()
    {
        Assert.That(Parse("push hook", Push).Kind, Is.EqualTo(ForgeEventKind.Push));
    }
}
