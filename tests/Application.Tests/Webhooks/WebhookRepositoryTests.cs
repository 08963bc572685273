using System.Text;
using Comet.Application.Webhooks;
using Comet.Domain.Projects;

namespace Comet.Application.Tests.Webhooks;

/// <summary>The repository URLs read from a delivery before its signature is checked, and only those.</summary>
public sealed class WebhookRepositoryTests
{
    [Test]
    public void The_urls_read_before_verification_are_the_ones_the_parser_matches_projects_with()
    {
        var cases = new (Forge Forge, string Event, string Body)[]
        {
            (Forge.Github, "push", GithubPayloads.Push),
            (Forge.Github, "pull_request", GithubPayloads.PullRequestOpened),
            (Forge.Gitlab, "Push Hook", GitlabPayloads.Push),
            (Forge.Gitlab, "Merge Request Hook", GitlabPayloads.MergeRequestUpdate),
            (Forge.Gitea, "push", GiteaPayloads.Push),
            (Forge.Gitea, "pull_request", GiteaPayloads.PullRequestOpened),
        };
        foreach (var (forge, eventName, body) in cases)
        {
            var parsed = ForgeEventParser.Parse(forge, eventName, Payload.Bytes(body)).RepositoryUrls;

            Assert.That(WebhookRepository.UrlsIn(forge, Payload.Bytes(body)), Is.EquivalentTo(parsed).And.Not.Empty, $"{forge} {eventName}");
        }
    }

    [Test]
    public void A_form_encoded_github_delivery_gives_its_urls_too()
    {
        var body = Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(GithubPayloads.Push));

        Assert.That(WebhookRepository.UrlsIn(Forge.Github, body), Is.Not.Empty);
    }

    [TestCase("")]
    [TestCase("{}")]
    [TestCase("[1, 2]")]
    [TestCase("{\"repository\": ")]
    [TestCase("{\"repository\": \"https://github.com/acme/app\"}")]
    [TestCase("<html>Bad gateway</html>")]
    public void A_body_without_readable_repository_urls_gives_none_and_never_an_error(string body)
    {
        foreach (var forge in new[] { Forge.Github, Forge.Gitlab, Forge.Gitea })
            Assert.That(WebhookRepository.UrlsIn(forge, Payload.Bytes(body)), Is.Empty, forge.ToString());
    }

    [Test]
    public void Bytes_that_are_not_utf8_give_no_urls()
    {
        Assert.That(WebhookRepository.UrlsIn(Forge.Github, [0xff, 0xfe, (byte)'{']), Is.Empty);
    }
}
