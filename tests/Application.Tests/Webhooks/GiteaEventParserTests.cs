using System.Text.Json.Nodes;
using Comet.Application.Webhooks;
using Comet.Domain.Projects;
using static Comet.Application.Tests.Webhooks.GiteaPayloads;

namespace Comet.Application.Tests.Webhooks;

public sealed class GiteaEventParserTests
{
    private static ForgeEvent Parse(string? eventName, string json, Forge forge = Forge.Gitea) =>
        ForgeEventParser.Parse(forge, eventName, Payload.Bytes(json));

    [Test]
    public void Push_builds_the_pushed_commit_on_that_branch()
    {
        var e = Parse("push", Push);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Push));
            Assert.That(e.Ref, Is.EqualTo("refs/heads/develop"));
            Assert.That(e.Branch, Is.EqualTo("develop"));
            Assert.That(e.Sha, Is.EqualTo(HeadSha));
            Assert.That(e.CommitMessage, Is.EqualTo("Webhooks Yay!\n"));
            Assert.That(e.CommitAuthor, Is.EqualTo("Gitea"));
            Assert.That(e.ChangedFiles, Is.EqualTo(new[] { "README.md", "pad/clamp.go" }));
            Assert.That(e.Sender, Is.EqualTo("gitea"));
            Assert.That(e.RepositoryUrls, Does.Contain("https://gitea.example.com/rocketeers/launchpad.git"));
            Assert.That(e.RepositoryUrls, Does.Contain("ssh://git@gitea.example.com:2222/rocketeers/launchpad.git"));
            Assert.That(e.RepositoryUrls, Does.Contain("https://gitea.example.com/rocketeers/launchpad"));
        });
    }

    [Test]
    public void Generic_forge_deliveries_are_read_like_gitea()
    {
        var e = Parse("push", Push, Forge.Generic);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Push));
            Assert.That(e.Sha, Is.EqualTo(HeadSha));
        });
    }

    [Test]
    public void Total_commits_above_the_listed_commits_makes_changed_files_unknown()
    {
        var json = Payload.With(Push, p => p["total_commits"] = 14);

        Assert.That(Parse("push", json).ChangedFiles, Is.Null);
    }

    [Test]
    public void Skip_ci_in_the_head_commit_sets_SkipCi()
    {
        var json = Payload.With(Push, p => p.Obj("head_commit")["message"] = "Docs only [skip ci]\n");

        Assert.That(Parse("push", json).SkipCi, Is.True);
    }

    [Test]
    public void Tag_push_without_head_commit_builds_after()
    {
        var json = Payload.With(Push, p =>
        {
            p["ref"] = "refs/tags/v2.0.0-rc.1";
            p["before"] = "0000000000000000000000000000000000000000";
            p["commits"] = new JsonArray();
            p["total_commits"] = 0;
            p["head_commit"] = null;
        });

        var e = Parse("push", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Tag));
            Assert.That(e.Tag, Is.EqualTo("v2.0.0-rc.1"));
            Assert.That(e.Sha, Is.EqualTo(HeadSha));
            Assert.That(e.CommitMessage, Is.Null);
        });
    }

    [Test]
    public void Delete_event_for_a_branch_is_Deleted()
    {
        var e = Parse("delete", DeleteBranch);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Deleted));
            Assert.That(e.Ref, Is.EqualTo("refs/heads/feature/clamp"));
            Assert.That(e.Branch, Is.EqualTo("feature/clamp"));
            Assert.That(e.RepositoryUrls, Does.Contain("https://gitea.example.com/rocketeers/launchpad.git"));
        });
    }

    [Test]
    public void Delete_event_with_an_unknown_ref_type_is_refused()
    {
        var json = Payload.With(DeleteBranch, p => p["ref_type"] = "repository");

        var error = Assert.Throws<WebhookPayloadException>(() => Parse("delete", json));

        Assert.That(error!.Message, Does.Contain("ref_type 'repository'"));
    }

    [Test]
    public void Create_event_is_Ignored()
    {
        var e = Parse("create", DeleteBranch);

        Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Ignored));
    }

    [Test]
    public void Pull_request_opened_from_a_fork_builds_the_head_sha_from_the_pull_ref_of_the_base_repository()
    {
        var e = Parse("pull_request", PullRequestOpened);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.PullRequest));
            Assert.That(e.Sha, Is.EqualTo(PrHeadSha));
            Assert.That(e.FetchRef, Is.EqualTo("refs/pull/3/head"));
            Assert.That(e.Ref, Is.EqualTo("refs/pull/3/head"));
            Assert.That(e.Branch, Is.EqualTo("clamp"));
            Assert.That(e.TargetBranch, Is.EqualTo("main"));
            Assert.That(e.PullRequestNumber, Is.EqualTo("3"));
            Assert.That(e.Sender, Is.EqualTo("pilot"));
            Assert.That(e.RepositoryUrls, Does.Contain("https://gitea.example.com/rocketeers/launchpad.git"));
            Assert.That(e.RepositoryUrls, Has.None.Contains("pilot/"));
        });
    }

    [TestCase("synchronized")]
    [TestCase("reopened")]
    public void Pull_request_synchronized_or_reopened_starts_a_run(string action)
    {
        var json = Payload.With(PullRequestOpened, p => p["action"] = action);

        Assert.That(Parse("pull_request", json).Kind, Is.EqualTo(ForgeEventKind.PullRequest));
    }

    [TestCase("closed")]
    [TestCase("label_updated")]
    [TestCase("edited")]
    public void Other_pull_request_actions_are_Ignored(string action)
    {
        var json = Payload.With(PullRequestOpened, p => p["action"] = action);

        var e = Parse("pull_request", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Ignored));
            Assert.That(e.Reason, Is.EqualTo($"pull request action '{action}' does not start runs"));
        });
    }

    [Test]
    public void Pull_request_number_as_string_is_read()
    {
        var json = Payload.With(PullRequestOpened, p => p["number"] = "3");

        Assert.That(Parse("pull_request", json).PullRequestNumber, Is.EqualTo("3"));
    }

    [Test]
    public void Unknown_event_is_Ignored_with_a_reason_naming_it()
    {
        var json = """{"action":"opened","number":5,"issue":{"id":77,"number":5,"title":"Pad wobbles"},"repository":{"clone_url":"https://gitea.example.com/rocketeers/launchpad.git"},"sender":{"login":"pilot"}}""";

        var e = Parse("issues", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Kind, Is.EqualTo(ForgeEventKind.Ignored));
            Assert.That(e.Reason, Is.EqualTo("event 'issues' does not start runs"));
            Assert.That(e.Sender, Is.EqualTo("pilot"));
        });
    }

    [Test]
    public void Unicode_branch_and_message_come_through_unchanged()
    {
        var json = Payload.With(Push, p =>
        {
            p["ref"] = "refs/heads/발사대-🛰️";
            p.Obj("head_commit")["message"] = "발사대 고정 🛰️";
        });

        var e = Parse("push", json);

        Assert.Multiple(() =>
        {
            Assert.That(e.Branch, Is.EqualTo("발사대-🛰️"));
            Assert.That(e.CommitMessage, Is.EqualTo("발사대 고정 🛰️"));
        });
    }
}
