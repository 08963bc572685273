using Comet.Application.Common.Exceptions;
using Comet.Application.Projects;
using Comet.Application.Projects.Commands;
using Comet.TestSupport;
using Comet.Domain.Projects;
using FluentValidation;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Tests.Projects;

public sealed partial class ProjectUseCaseTests
{
    [Test]
    public async Task Create_derives_the_slug_from_the_name()
    {
        var created = await CreateAsync("My App");

        Assert.Multiple(() =>
        {
            Assert.That(created.Slug, Is.EqualTo("my-app"));
            Assert.That(created.Name, Is.EqualTo("My App"));
            Assert.That(created.Id, Is.Not.EqualTo(Guid.Empty));
        });
    }

    [Test]
    public async Task Create_trims_the_name_before_deriving_the_slug()
    {
        var created = await CreateAsync("  Spaced Out  ");

        Assert.Multiple(() =>
        {
            Assert.That(created.Name, Is.EqualTo("Spaced Out"));
            Assert.That(created.Slug, Is.EqualTo("spaced-out"));
        });
    }

    [Test]
    public async Task Create_returns_a_64_hex_char_webhook_secret_that_is_stored_with_the_project()
    {
        var created = await CreateAsync("My App");

        var stored = await Host.WithDbAsync(db => db.Projects.AsNoTracking().SingleAsync(p => p.Id == created.Id));
        Assert.Multiple(() =>
        {
            Assert.That(created.WebhookSecret, Does.Match("^[0-9a-f]{64}$"));
            Assert.That(stored.WebhookSecret, Is.EqualTo(created.WebhookSecret));
        });
    }

    [Test]
    public async Task Each_project_gets_its_own_webhook_secret()
    {
        var first = await CreateAsync("First");
        var second = await CreateAsync("Second");

        Assert.That(second.WebhookSecret, Is.Not.EqualTo(first.WebhookSecret));
    }

    [Test]
    public async Task Create_fills_in_the_defaults_for_branch_and_pipeline_file()
    {
        var created = await CreateAsync("Defaults");

        Assert.Multiple(() =>
        {
            Assert.That(created.DefaultBranch, Is.EqualTo("main"));
            Assert.That(created.PipelineFile, Is.EqualTo(".comet.yml"));
            Assert.That(created.CreatedAt, Is.EqualTo(TestHost.StartTime.UtcDateTime));
            Assert.That(created.UpdatedAt, Is.EqualTo(created.CreatedAt));
        });
    }

    [Test]
    public async Task Create_keeps_a_given_branch_and_pipeline_file()
    {
        var created = await CreateAsync("Custom", defaultBranch: "release/1.x", pipelineFile: "ci/pipeline.yml");
        var read = await Host.SendAsync(new Application.Projects.Queries.GetProjectQuery(created.Slug));

        Assert.Multiple(() =>
        {
            Assert.That(read.DefaultBranch, Is.EqualTo("release/1.x"));
            Assert.That(read.PipelineFile, Is.EqualTo("ci/pipeline.yml"));
        });
    }

    [TestCase("https://github.com/acme/widgets.git", Forge.Github)]
    [TestCase("git@github.com:acme/widgets.git", Forge.Github)]
    [TestCase("https://GitLab.com/acme/widgets", Forge.Gitlab)]
    [TestCase("ssh://git@gitlab.com/acme/widgets.git", Forge.Gitlab)]
    [TestCase("https://git.example.org/acme/widgets.git", Forge.Generic)]
    [TestCase("/srv/git/widgets", Forge.Generic)]
    public async Task Forge_is_guessed_from_the_repository_url(string repoUrl, Forge expected)
    {
        var created = await CreateAsync("Widgets", repoUrl);
        var read = await Host.SendAsync(new Application.Projects.Queries.GetProjectQuery(created.Slug));

        Assert.Multiple(() =>
        {
            Assert.That(created.Forge, Is.EqualTo(expected));
            Assert.That(read.Forge, Is.EqualTo(expected));
        });
    }

    [TestCase("gitea", Forge.Gitea)]
    [TestCase("GitLab", Forge.Gitlab)]
    [TestCase("generic", Forge.Generic)]
    public async Task An_explicit_forge_wins_over_the_guess(string forge, Forge expected)
    {
        var created = await CreateAsync("Widgets", "https://github.com/acme/widgets.git", forge: forge);
        var read = await Host.SendAsync(new Application.Projects.Queries.GetProjectQuery(created.Slug));

        Assert.That(read.Forge, Is.EqualTo(expected));
    }

    [TestCase("My App")]
    [TestCase("my app")]
    [TestCase("MY APP")]
    public async Task Creating_a_taken_name_is_a_conflict_whatever_the_case(string secondName)
    {
        await CreateAsync("My App");

        var ex = Assert.ThrowsAsync<ConflictException>(() => CreateAsync(secondName))!;

        Assert.That(ex.Message, Does.Contain("My App"));
        Assert.That(await Host.WithDbAsync(db => db.Projects.CountAsync()), Is.EqualTo(1));
    }

    [Test]
    public async Task A_different_name_with_the_same_slug_is_a_conflict_naming_the_slug()
    {
        await CreateAsync("My App");

        var ex = Assert.ThrowsAsync<ConflictException>(() => CreateAsync("My-App!"))!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.Message, Does.Contain("'my-app'"));
            Assert.That(ex.Message, Does.Contain("My App"));
        });
        Assert.That(await Host.WithDbAsync(db => db.Projects.CountAsync()), Is.EqualTo(1));
    }

    [TestCase("https://github.com/acme/widgets.git")]
    [TestCase("http://git.local/acme/widgets.git")]
    [TestCase("ssh://git@git.example.org:2222/acme/widgets.git")]
    [TestCase("git://git.example.org/acme/widgets.git")]
    [TestCase("git@github.com:owner/repo.git")]
    [TestCase("file:///tmp/x")]
    [TestCase("/abs/path")]
    public async Task Accepted_repository_url_forms_are_stored_as_given(string repoUrl)
    {
        var created = await CreateAsync("Repo Forms", repoUrl);
        var read = await Host.SendAsync(new Application.Projects.Queries.GetProjectQuery(created.Slug));

        Assert.That(read.RepoUrl, Is.EqualTo(repoUrl));
    }

    private static readonly object[] InvalidCreates =
    [
        new object[] { new CreateProjectCommand { Name = "", RepoUrl = "https://github.com/a/b.git" }, "Name" },
        new object[] { new CreateProjectCommand { Name = "   ", RepoUrl = "https://github.com/a/b.git" }, "Name" },
        new object[] { new CreateProjectCommand { Name = null, RepoUrl = "https://github.com/a/b.git" }, "Name" },
        new object[] { new CreateProjectCommand { Name = "!!! ---", RepoUrl = "https://github.com/a/b.git" }, "Name" },
        new object[] { new CreateProjectCommand { Name = new string('a', 101), RepoUrl = "https://github.com/a/b.git" }, "Name" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = "" }, "RepoUrl" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = null }, "RepoUrl" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = "not a url" }, "RepoUrl" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = "ftp://example.org/repo.git" }, "RepoUrl" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = "relative/path" }, "RepoUrl" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = "https:///no-host" }, "RepoUrl" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = "https://github.com/a/b.git", DefaultBranch = "feature..x" }, "DefaultBranch" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = "https://github.com/a/b.git", DefaultBranch = "has space" }, "DefaultBranch" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = "https://github.com/a/b.git", DefaultBranch = "main.lock" }, "DefaultBranch" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = "https://github.com/a/b.git", Forge = "bitbucket" }, "Forge" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = "https://github.com/a/b.git", Forge = "1" }, "Forge" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = "https://github.com/a/b.git", PipelineFile = "../x.yml" }, "PipelineFile" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = "https://github.com/a/b.git", PipelineFile = "/abs.yml" }, "PipelineFile" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = "https://github.com/a/b.git", PipelineFile = "ci/../../x.yml" }, "PipelineFile" },
        new object[] { new CreateProjectCommand { Name = "Ok", RepoUrl = "https://github.com/a/b.git", PipelineFile = "" }, "PipelineFile" },
    ];

    [TestCaseSource(nameof(InvalidCreates))]
    public async Task Invalid_create_is_rejected_on_exactly_the_bad_property(CreateProjectCommand command, string property)
    {
        var ex = Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(command))!;

        Assert.That(ex.Errors.Select(e => e.PropertyName).Distinct(), Is.EqualTo(new[] { property }));
        Assert.That(await Host.WithDbAsync(db => db.Projects.CountAsync()), Is.Zero);
    }

    [Test]
    public void All_validation_failures_are_reported_together()
    {
        var command = new CreateProjectCommand { Name = "", RepoUrl = "nope", Forge = "bitbucket", PipelineFile = "/abs.yml" };

        var ex = Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(command))!;

        Assert.That(ex.Errors.Select(e => e.PropertyName).Distinct(),
            Is.EquivalentTo(new[] { "Name", "RepoUrl", "Forge", "PipelineFile" }));
    }

    [Test]
    public async Task A_name_of_only_punctuation_is_explained_as_needing_a_letter_or_digit()
    {
        var ex = Assert.ThrowsAsync<ValidationException>(() => CreateAsync("?!"))!;

        Assert.That(ex.Errors.Single().ErrorMessage, Does.Contain("letter or digit"));
        Assert.That(await Host.WithDbAsync(db => db.Projects.CountAsync()), Is.Zero);
    }

    [Test]
    public async Task The_created_answer_carries_the_secret_but_reads_do_not()
    {
        var created = await CreateAsync("Secretive");
        ProjectDto read = await Host.SendAsync(new Application.Projects.Queries.GetProjectQuery(created.Slug));

        Assert.That(read, Is.Not.InstanceOf<CreatedProjectDto>());
    }

    [Test]
    public async Task Simultaneous_creates_of_one_name_give_one_project_and_conflicts_for_the_rest()
    {
        var attempts = Enumerable.Range(0, 8).Select(async _ =>
        {
            try
            {
                await CreateAsync("Racer");
                return "created";
            }
            catch (ConflictException)
            {
                return "conflict";
            }
        });

        var outcomes = await Task.WhenAll(attempts);

        Assert.Multiple(() =>
        {
            Assert.That(outcomes.Count(o => o == "created"), Is.EqualTo(1));
            Assert.That(outcomes.Count(o => o == "conflict"), Is.EqualTo(7));
        });
    }
}
