using Comet.Application.Webhooks;
using Comet.Domain.Projects;

namespace Comet.Application.Tests.Webhooks;

/// <summary>
/// A ref name git itself would refuse ('..', NUL, control characters) is refused from every forge, with the rule
/// manual runs use; git never makes such a ref, so no real push is refused.
/// </summary>
public sealed class WebhookRefTests
{
    private static readonly Forge[] Forges = [Forge.Github, Forge.Gitlab, Forge.Gitea, Forge.Generic];

    private static readonly (string Ref, string Problem)[] BadRefs =
    [
        ("refs/heads/main/../../../config", "it contains '..'"),
        ("refs/heads/main\0--upload-pack=touch /tmp/x", "it contains the control character U+0000"),
        ("refs/heads/fix\nINJECTED=1", "it contains the control character U+000A"),
        ("refs/heads/bell\u0007", "it contains the control character U+0007"),
    ];

    private static string PushOf(Forge forge, string gitRef) => Payload.With(
        forge switch { Forge.Github => GithubPayloads.Push, Forge.Gitlab => GitlabPayloads.Push, _ => GiteaPayloads.Push },
        p => p["ref"] = gitRef);

    private static WebhookPayloadException Refused(Forge forge, string eventName, string json) =>
        Assert.Throws<WebhookPayloadException>(() => ForgeEventParser.Parse(forge, eventName, Payload.Bytes(json)))!;

    [Test]
    public void Push_whose_ref_git_would_refuse_is_refused_by_every_forge_naming_the_field_and_the_reason(
        [ValueSource(nameof(Forges))] Forge forge, [Range(0, 3)] int which)
    {
        var (badRef, problem) = BadRefs[which];

        var error = Refused(forge, forge == Forge.Gitlab ? "Push Hook" : "push", PushOf(forge, badRef));

        Assert.That(error.Message, Does.Contain("push payload has 'ref' = ").And.Contain($"which is not a valid git ref name: {problem}."));
        Assert.That(error.Message.Any(char.IsControl), Is.False, "the message quotes control characters as \\uXXXX, never raw");
    }

    [Test]
    public void Pull_request_whose_head_branch_git_would_refuse_is_refused()
    {
        var json = Payload.With(GithubPayloads.PullRequestOpened, p => p.Obj("pull_request").Obj("head")["ref"] = "feature\0x");

        var error = Refused(Forge.Github, "pull_request", json);

        Assert.That(error.Message, Is.EqualTo("GitHub pull_request payload has 'pull_request.head.ref' = 'feature\\u0000x', "
            + "which is not a valid git ref name: it contains the control character U+0000."));
    }

    [Test]
    public void Merge_request_whose_target_branch_git_would_refuse_is_refused()
    {
        var json = Payload.With(GitlabPayloads.MergeRequestUpdate, p => p.Obj("object_attributes")["target_branch"] = "master..evil");

        var error = Refused(Forge.Gitlab, "Merge Request Hook", json);

        Assert.That(error.Message, Does.Contain("'object_attributes.target_branch' = 'master..evil'").And.Contain("it contains '..'"));
    }

    [Test]
    public void Delete_event_whose_ref_git_would_refuse_is_refused()
    {
        var json = Payload.With(GithubPayloads.DeleteEvent, p => p["ref"] = "v0.9\u001b[31m");

        var error = Refused(Forge.Github, "delete", json);

        Assert.That(error.Message, Does.Contain("'refs/tags/v0.9\\u001B[31m'").And.Contain("control character U+001B"));
    }

    [TestCase("refs/heads/release/1.2")]
    [TestCase("refs/heads/feature/wïdget-ü_2")]
    [TestCase("refs/heads/renovate/npm-@scope-pkg-1.x")]
    [TestCase("refs/tags/v1.0.0-rc.1+build.5")]
    public void Ref_names_git_allows_are_accepted(string gitRef)
    {
        var e = ForgeEventParser.Parse(Forge.Github, "push", Payload.Bytes(PushOf(Forge.Github, gitRef)));

        Assert.That(e.Ref, Is.EqualTo(gitRef));
    }
}
