using Comet.Application.Webhooks;

namespace Comet.Application.Tests.Webhooks;

public sealed class RepositoryUrlTests
{
    [TestCase("https://GitHub.com/Acme/App.git", "github.com/acme/app")]
    [TestCase("git@github.com:acme/app.git", "github.com/acme/app")]
    [TestCase("ssh://git@github.com:22/acme/app", "github.com/acme/app")]
    [TestCase("git://github.com/acme/app.git", "github.com/acme/app")]
    [TestCase("http://github.com/acme/app/", "github.com/acme/app")]
    [TestCase("https://github.com:443/acme/app", "github.com/acme/app")]
    [TestCase("http://github.com:80/acme/app", "github.com/acme/app")]
    [TestCase("git://github.com:9418/acme/app", "github.com/acme/app")]
    [TestCase("https://x-access-token:ghs_abc123@github.com/acme/app.git", "github.com/acme/app")]
    [TestCase("ssh://git@github.com/acme/app.git", "github.com/acme/app")]
    [TestCase("git+ssh://git@github.com/acme/app.git", "github.com/acme/app")]
    [TestCase("ssh://git@github.com:acme/app.git", "github.com/acme/app")]
    [TestCase("github.com:acme/app", "github.com/acme/app")]
    [TestCase("  https://github.com/acme/app.git  ", "github.com/acme/app")]
    [TestCase("https://github.com/acme/app.git?ref=main#readme", "github.com/acme/app")]
    [TestCase("https://github.com/acme//app//", "github.com/acme/app")]
    [TestCase("github.com/Acme/App", "github.com/acme/app")]
    public void Spellings_of_one_github_repository_normalize_to_host_and_path(string url, string expected)
    {
        Assert.That(RepositoryUrl.Normalize(url), Is.EqualTo(expected));
    }

    [TestCase("https://gitlab.example.com/MyGroup/Sub/Ground-Control.git", "gitlab.example.com/mygroup/sub/ground-control")]
    [TestCase("git@gitlab.example.com:mygroup/sub/ground-control.git", "gitlab.example.com/mygroup/sub/ground-control")]
    [TestCase("ssh://git@gitea.example.com:2222/rocketeers/launchpad.git", "gitea.example.com:2222/rocketeers/launchpad")]
    [TestCase("http://localhost:3000/rocketeers/launchpad.git", "localhost:3000/rocketeers/launchpad")]
    [TestCase("https://[::1]:8443/acme/app.git", "[::1]:8443/acme/app")]
    [TestCase("https://[::1]:443/acme/app.git", "[::1]/acme/app")]
    public void Subgroups_and_non_default_ports_are_kept(string url, string expected)
    {
        Assert.That(RepositoryUrl.Normalize(url), Is.EqualTo(expected));
    }

    [TestCase("file:///srv/git/App.git", "file:/srv/git/app")]
    [TestCase("file:///srv/git/app", "file:/srv/git/app")]
    [TestCase("/srv/git/app", "file:/srv/git/app")]
    [TestCase("/srv/git/app/", "file:/srv/git/app")]
    [TestCase("/srv/git/app/.git", "file:/srv/git/app")]
    [TestCase("file:/srv/git/app", "file:/srv/git/app")]
    [TestCase("/srv/git/./tmp/../app.git", "file:/srv/git/app")]
    [TestCase("file://localhost/srv/git/app", "file:/localhost/srv/git/app")]
    public void Local_paths_and_file_urls_normalize_to_one_file_key(string url, string expected)
    {
        Assert.That(RepositoryUrl.Normalize(url), Is.EqualTo(expected));
    }

    [Test]
    public void Percent_encoded_and_raw_unicode_paths_normalize_alike()
    {
        Assert.That(RepositoryUrl.Normalize("https://gitea.example.com/acme/%E6%A9%9F%E8%83%BD.git"),
            Is.EqualTo(RepositoryUrl.Normalize("https://gitea.example.com/acme/機能")));
    }

    [TestCase("https://github.com/acme/app", "https://github.com/acme/app2")]
    [TestCase("https://github.com/acme/app", "https://gitlab.com/acme/app")]
    [TestCase("https://github.com/acme/app", "https://github.com/other/app")]
    [TestCase("ssh://git@gitea.example.com:2222/a/b", "ssh://git@gitea.example.com:2223/a/b")]
    [TestCase("/srv/git/app", "/srv/git/app2")]
    [TestCase("https://github.com/acme/app", "/acme/app")]
    public void Different_repositories_stay_different(string first, string second)
    {
        Assert.That(RepositoryUrl.Normalize(first), Is.Not.EqualTo(RepositoryUrl.Normalize(second)));
    }

    [Test]
    public void Empty_url_normalizes_to_empty()
    {
        Assert.That(RepositoryUrl.Normalize("   "), Is.Empty);
    }
}
