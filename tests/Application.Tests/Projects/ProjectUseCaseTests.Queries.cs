using Comet.Application.Common.Exceptions;
using Comet.Application.Projects.Queries;
using Comet.TestSupport;
using Comet.Domain.Projects;
using FluentValidation;

namespace Comet.Application.Tests.Projects;

public sealed partial class ProjectUseCaseTests
{
    [Test]
    public async Task Get_by_slug_returns_the_stored_project()
    {
        var created = await CreateAsync("Rocket Launcher", "git@github.com:acme/rocket.git", defaultBranch: "trunk");
        await CreateAsync("Someone Else");

        var read = await Host.SendAsync(new GetProjectQuery("rocket-launcher"));

        Assert.Multiple(() =>
        {
            Assert.That(read.Id, Is.EqualTo(created.Id));
            Assert.That(read.Slug, Is.EqualTo("rocket-launcher"));
            Assert.That(read.Name, Is.EqualTo("Rocket Launcher"));
            Assert.That(read.RepoUrl, Is.EqualTo("git@github.com:acme/rocket.git"));
            Assert.That(read.DefaultBranch, Is.EqualTo("trunk"));
            Assert.That(read.Forge, Is.EqualTo(Forge.Github));
            Assert.That(read.PipelineFile, Is.EqualTo(".comet.yml"));
            Assert.That(read.CreatedAt, Is.EqualTo(TestHost.StartTime.UtcDateTime));
            Assert.That(read.CreatedAt.Kind, Is.EqualTo(DateTimeKind.Utc));
        });
    }

    [Test]
    public async Task Get_of_an_unknown_slug_is_not_found()
    {
        await CreateAsync("Present");

        var ex = Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new GetProjectQuery("absent")))!;

        Assert.Multiple(() =>
        {
            Assert.That(ex.Resource, Is.EqualTo("project"));
            Assert.That(ex.Key, Is.EqualTo("absent"));
        });
    }

    [Test]
    public async Task List_pages_through_the_projects_in_name_order()
    {
        foreach (var name in new[] { "Echo", "Alpha", "Delta", "Charlie", "Bravo" })
            await CreateAsync(name);

        var page = await Host.SendAsync(new ListProjectsQuery { Page = 2, PageSize = 2 });

        Assert.Multiple(() =>
        {
            Assert.That(page.Items.Select(p => p.Name), Is.EqualTo(new[] { "Charlie", "Delta" }));
            Assert.That(page.Page, Is.EqualTo(2));
            Assert.That(page.PageSize, Is.EqualTo(2));
            Assert.That(page.TotalCount, Is.EqualTo(5));
            Assert.That(page.TotalPages, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task List_order_ignores_case_on_every_database()
    {
        foreach (var name in new[] { "charlie", "Bravo", "alpha" })
            await CreateAsync(name);

        var page = await Host.SendAsync(new ListProjectsQuery());

        Assert.That(page.Items.Select(p => p.Name), Is.EqualTo(new[] { "alpha", "Bravo", "charlie" }));
    }

    [Test]
    public async Task The_last_page_holds_the_remainder_and_a_page_past_the_end_is_empty()
    {
        foreach (var name in new[] { "Echo", "Alpha", "Delta", "Charlie", "Bravo" })
            await CreateAsync(name);

        var last = await Host.SendAsync(new ListProjectsQuery { Page = 3, PageSize = 2 });
        var beyond = await Host.SendAsync(new ListProjectsQuery { Page = 4, PageSize = 2 });

        Assert.Multiple(() =>
        {
            Assert.That(last.Items.Select(p => p.Name), Is.EqualTo(new[] { "Echo" }));
            Assert.That(beyond.Items, Is.Empty);
            Assert.That(beyond.TotalCount, Is.EqualTo(5));
        });
    }

    [Test]
    public async Task List_of_no_projects_is_empty_with_no_pages()
    {
        var page = await Host.SendAsync(new ListProjectsQuery());

        Assert.Multiple(() =>
        {
            Assert.That(page.Items, Is.Empty);
            Assert.That(page.TotalCount, Is.Zero);
            Assert.That(page.TotalPages, Is.Zero);
            Assert.That(page.PageSize, Is.EqualTo(20));
        });
    }

    [TestCase(0, 10, "Page")]
    [TestCase(-1, 10, "Page")]
    [TestCase(1, 0, "PageSize")]
    [TestCase(1, 101, "PageSize")]
    public void Out_of_range_paging_is_rejected(int page, int pageSize, string property)
    {
        var ex = Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(new ListProjectsQuery { Page = page, PageSize = pageSize }))!;

        Assert.That(ex.Errors.Select(e => e.PropertyName).Distinct(), Is.EqualTo(new[] { property }));
    }

    [Test]
    public async Task The_largest_page_size_is_allowed()
    {
        await CreateAsync("Only");

        var page = await Host.SendAsync(new ListProjectsQuery { Page = 1, PageSize = 100 });

        Assert.That(page.Items.Select(p => p.Slug), Is.EqualTo(new[] { "only" }));
    }
}
