using Comet.Application.ForgeStatus;
using Comet.Application.Outbound;
using Comet.Domain.Projects;

namespace Comet.Application.Tests.Outbound;

/// <summary>The retry schedule and the forge-facing words: full jitter under an exponential cap, Retry-After honoured.</summary>
public sealed class OutboxBackoffTests
{
    private static readonly OutboxOptions Options = new() { BaseDelay = TimeSpan.FromSeconds(2), MaxDelay = TimeSpan.FromMinutes(10) };

    [TestCase(1, 2)]
    [TestCase(2, 4)]
    [TestCase(5, 32)]
    [TestCase(9, 512)]
    [TestCase(10, 600)]
    [TestCase(40, 600)]
    public void Each_wait_is_jittered_between_zero_and_the_exponential_cap(int attempts, double capSeconds)
    {
        var delays = Enumerable.Range(0, 2000).Select(_ => OutboxDelivery.Backoff(attempts, null, Options).TotalSeconds).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(delays, Is.All.InRange(0, capSeconds));
            Assert.That(delays.Min(), Is.LessThan(capSeconds * 0.1), "full jitter reaches near zero");
            Assert.That(delays.Max(), Is.GreaterThan(capSeconds * 0.9), "and near the cap");
        });
    }

    [Test]
    public void A_longer_Retry_After_wins_and_a_shorter_one_does_not_shorten_the_wait()
    {
        Assert.That(OutboxDelivery.Backoff(1, TimeSpan.FromSeconds(30), Options), Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(Enumerable.Range(0, 200).Select(_ => OutboxDelivery.Backoff(9, TimeSpan.FromMilliseconds(1), Options)),
            Has.Some.GreaterThan(TimeSpan.FromSeconds(1)));
    }

    [TestCase("pending", "pending", "pending")]
    [TestCase("running", "pending", "running")]
    [TestCase("success", "success", "success")]
    [TestCase("failed", "failure", "failed")]
    [TestCase("cancelled", "error", "canceled")]
    [TestCase("error", "error", "failed")]
    public void Run_statuses_map_to_each_forges_words(string comet, string github, string gitlab)
    {
        Assert.That(ForgeStatusRequests.GithubState(comet), Is.EqualTo(github));
        Assert.That(ForgeStatusRequests.GitlabState(comet), Is.EqualTo(gitlab));
    }

    [TestCase("https://github.com/Acme/Shop-API.git", "acme/shop-api")]
    [TestCase("git@github.com:acme/shop-api.git", "acme/shop-api")]
    [TestCase("https://gitlab.com/group/sub/project", "group/sub/project")]
    [TestCase("file:///srv/git/app", null)]
    [TestCase("/srv/git/app", null)]
    public void The_repository_path_is_read_from_the_repo_url(string repoUrl, string? repository) =>
        Assert.That(ForgeTarget.RepositoryOf(repoUrl), Is.EqualTo(repository));

    [Test]
    public void GitLab_paths_encode_the_whole_project_path()
    {
        var payload = ForgeStatusRequests.Build(new ForgeTarget(Forge.Gitlab, "https://gitlab.com/api/v4", "group/sub/project"),
            new CommitStatus("abc123", "success", "comet", "Run #1 succeeded", "https://ci/x", "main", null));
        Assert.That(payload.Url, Is.EqualTo("https://gitlab.com/api/v4/projects/group%2Fsub%2Fproject/statuses/abc123"));
    }
}
