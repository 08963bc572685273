using Comet.Application.Common.Git;

namespace Comet.Application.Tests.Git;

/// <summary>The one ref rule (manual runs, default branches, webhooks): git's own, so what it refuses git would refuse too.</summary>
public sealed class GitRefNameTests
{
    [TestCase("", "is empty")]
    [TestCase("a..b", "contains '..'")]
    [TestCase("a\0b", "contains the control character U+0000")]
    [TestCase("a\u007fb", "contains the control character U+007F")]
    [TestCase("a b", "contains ' '")]
    [TestCase("a~1", "contains '~'")]
    [TestCase("a:b", "contains ':'")]
    [TestCase("a@{1}", "contains '@{'")]
    [TestCase("--upload-pack=x", "starts with '-'")]
    [TestCase("refs//heads", "has an empty part between '/'")]
    [TestCase("main/", "has an empty part between '/'")]
    [TestCase("main.", "ends with '.'")]
    [TestCase("refs/heads/.hidden", "has a part that starts with '.' or ends with '.lock'")]
    [TestCase("main.lock", "has a part that starts with '.' or ends with '.lock'")]
    public void Names_git_refuses_are_refused_with_the_reason(string name, string problem) =>
        Assert.That(GitRefName.Problem(name), Is.EqualTo(problem));

    [Test]
    public void A_name_longer_than_the_database_column_is_refused()
    {
        Assert.That(GitRefName.Problem(new string('a', 255)), Is.Null);
        Assert.That(GitRefName.Problem(new string('a', 256)), Is.EqualTo("is 256 characters long; the limit is 255"));
    }

    [TestCase("main")]
    [TestCase("refs/heads/feature/wïdget")]
    [TestCase("refs/tags/v1.0.0-rc.1+build.5")]
    [TestCase("release/1.x")]
    public void Names_git_allows_pass(string name) => Assert.That(GitRefName.Problem(name), Is.Null);

    [Test]
    public void Shown_name_writes_control_characters_as_escapes()
    {
        Assert.That(GitRefName.Shown("main\0\n"), Is.EqualTo("main\\u0000\\u000A"));
    }
}
