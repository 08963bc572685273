using Comet.Application.Webhooks;
using Comet.Domain.Projects;

namespace Comet.Application.Tests.Webhooks;

public sealed class WebhookHeadersTests
{
    [Test]
    public void Github_headers()
    {
        Assert.That(WebhookHeaders.For(Forge.Github),
            Is.EqualTo(new ForgeHeaders("X-GitHub-Event", "X-GitHub-Delivery", "X-Hub-Signature-256")));
    }

    [Test]
    public void Gitlab_headers_carry_the_token_where_others_carry_a_signature()
    {
        Assert.That(WebhookHeaders.For(Forge.Gitlab),
            Is.EqualTo(new ForgeHeaders("X-Gitlab-Event", "X-Gitlab-Event-UUID", "X-Gitlab-Token")));
    }

    [Test]
    public void Gitea_headers()
    {
        Assert.That(WebhookHeaders.For(Forge.Gitea),
            Is.EqualTo(new ForgeHeaders("X-Gitea-Event", "X-Gitea-Delivery", "X-Gitea-Signature")));
    }

    [Test]
    public void Generic_forge_uses_giteas_headers()
    {
        Assert.That(WebhookHeaders.For(Forge.Generic), Is.EqualTo(WebhookHeaders.For(Forge.Gitea)));
    }

    [Test]
    public void Unknown_forge_value_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookHeaders.For((Forge)99));
    }
}
