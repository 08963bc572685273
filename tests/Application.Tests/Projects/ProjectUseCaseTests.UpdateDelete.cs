using Comet.Application.Common.Exceptions;
using Comet.Application.Projects.Commands;
using Comet.Application.Projects.Queries;
using Comet.TestSupport;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Tests.Projects;

public sealed partial class ProjectUseCaseTests
{
    [Test]
    public async Task Update_changes_only_the_given_fields_and_moves_updated_at()
    {
        var created = await CreateAsync("Stable", "https://github.com/acme/stable.git", pipelineFile: "ci.yml");
        Host.Clock.Advance(TimeSpan.FromHours(1));

        var updated = await Host.SendAsync(new UpdateProjectCommand { Slug = "stable", DefaultBranch = "develop" });
        var read = await Host.SendAsync(new GetProjectQuery("stable"));

        Assert.Multiple(() =>
        {
            Assert.That(updated.DefaultBranch, Is.EqualTo("develop"));
            Assert.That(read.DefaultBranch, Is.EqualTo("develop"));
            Assert.That(read.Name, Is.EqualTo("Stable"));
            Assert.That(read.RepoUrl, Is.EqualTo("https://github.com/acme/stable.git"));
            Assert.That(read.Forge, Is.EqualTo(Forge.Github));
            Assert.That(read.PipelineFile, Is.EqualTo("ci.yml"));
            Assert.That(read.Slug, Is.EqualTo("stable"));
            Assert.That(read.Id, Is.EqualTo(created.Id));
            Assert.That(read.CreatedAt, Is.EqualTo(created.CreatedAt));
            Assert.That(read.UpdatedAt, Is.EqualTo(TestHost.StartTime.AddHours(1).UtcDateTime));
        });
    }

    [Test]
    public async Task Update_of_every_field_keeps_the_slug()
    {
        await CreateAsync("Old Name", "https://github.com/acme/old.git");

        await Host.SendAsync(new UpdateProjectCommand
        {
            Slug = "old-name",
            Name = "New Name",
            RepoUrl = "git@gitlab.com:acme/new.git",
            DefaultBranch = "trunk",
            Forge = "gitlab",
            PipelineFile = "build/comet.yml",
        });
        var read = await Host.SendAsync(new GetProjectQuery("old-name"));

        Assert.Multiple(() =>
        {
            Assert.That(read.Slug, Is.EqualTo("old-name"));
            Assert.That(read.Name, Is.EqualTo("New Name"));
            Assert.That(read.RepoUrl, Is.EqualTo("git@gitlab.com:acme/new.git"));
            Assert.That(read.DefaultBranch, Is.EqualTo("trunk"));
            Assert.That(read.Forge, Is.EqualTo(Forge.Gitlab));
            Assert.That(read.PipelineFile, Is.EqualTo("build/comet.yml"));
        });
        Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new GetProjectQuery("new-name")));
    }

    [Test]
    public async Task Changing_only_the_case_of_the_own_name_is_allowed()
    {
        await CreateAsync("my app");

        var updated = await Host.SendAsync(new UpdateProjectCommand { Slug = "my-app", Name = "My App" });

        Assert.That(updated.Name, Is.EqualTo("My App"));
    }

    [TestCase("Taken")]
    [TestCase("TAKEN")]
    public async Task Renaming_to_another_projects_name_is_a_conflict(string newName)
    {
        await CreateAsync("Taken");
        await CreateAsync("Mine");

        Assert.ThrowsAsync<ConflictException>(() => Host.SendAsync(new UpdateProjectCommand { Slug = "mine", Name = newName }));

        var mine = await Host.SendAsync(new GetProjectQuery("mine"));
        Assert.That(mine.Name, Is.EqualTo("Mine"));
    }

    [Test]
    public async Task Renaming_to_another_projects_non_ascii_name_in_other_case_is_a_conflict_on_every_database()
    {
        await CreateAsync("Élan");
        await CreateAsync("Mine");

        Assert.ThrowsAsync<ConflictException>(() => Host.SendAsync(new UpdateProjectCommand { Slug = "mine", Name = "élan" }));
    }

    [Test]
    public void Update_of_an_unknown_project_is_not_found()
    {
        var ex = Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new UpdateProjectCommand { Slug = "ghost", DefaultBranch = "dev" }))!;

        Assert.That(ex.Key, Is.EqualTo("ghost"));
    }

    [TestCase("", null, null, "Name")]
    [TestCase(null, "not a url", null, "RepoUrl")]
    [TestCase(null, null, "bitbucket", "Forge")]
    public async Task Invalid_update_is_rejected_and_changes_nothing(string? name, string? repoUrl, string? forge, string property)
    {
        await CreateAsync("Keep Me", "https://github.com/acme/keep.git");

        var ex = Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(
            new UpdateProjectCommand { Slug = "keep-me", Name = name, RepoUrl = repoUrl, Forge = forge }))!;

        Assert.That(ex.Errors.Select(e => e.PropertyName).Distinct(), Is.EqualTo(new[] { property }));
        var read = await Host.SendAsync(new GetProjectQuery("keep-me"));
        Assert.Multiple(() =>
        {
            Assert.That(read.Name, Is.EqualTo("Keep Me"));
            Assert.That(read.RepoUrl, Is.EqualTo("https://github.com/acme/keep.git"));
            Assert.That(read.Forge, Is.EqualTo(Forge.Github));
        });
    }

    [Test]
    public async Task Deleted_project_is_not_found_afterwards()
    {
        await CreateAsync("Doomed");
        await CreateAsync("Survivor");

        var result = await Host.SendAsync(new DeleteProjectCommand("doomed"));

        Assert.That(result, Is.EqualTo(Unit.Value));
        Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new GetProjectQuery("doomed")));
        var survivor = await Host.SendAsync(new GetProjectQuery("survivor"));
        Assert.That(survivor.Name, Is.EqualTo("Survivor"));
    }

    [Test]
    public void Delete_of_an_unknown_project_is_not_found()
    {
        var ex = Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new DeleteProjectCommand("ghost")))!;

        Assert.That(ex.Key, Is.EqualTo("ghost"));
    }

    [Test]
    public async Task A_name_freed_by_delete_can_be_used_again()
    {
        var first = await CreateAsync("Phoenix");
        await Host.SendAsync(new DeleteProjectCommand("phoenix"));

        var second = await CreateAsync("Phoenix");

        Assert.Multiple(() =>
        {
            Assert.That(second.Slug, Is.EqualTo("phoenix"));
            Assert.That(second.Id, Is.Not.EqualTo(first.Id));
        });
    }

    [Test]
    public async Task Deleting_a_project_deletes_its_runs_jobs_and_steps()
    {
        var doomed = await CreateAsync("Doomed");
        var kept = await CreateAsync("Kept");
        var doomedIds = await AddRunWithJobAndStep(doomed.Id, 1);
        var keptIds = await AddRunWithJobAndStep(kept.Id, 1);
        Assert.That(await CountRows(doomedIds), Is.EqualTo((1, 1, 1)), "the rows must be there before the delete");

        await Host.SendAsync(new DeleteProjectCommand("doomed"));

        Assert.Multiple(async () =>
        {
            Assert.That(await CountRows(doomedIds), Is.EqualTo((0, 0, 0)));
            Assert.That(await CountRows(keptIds), Is.EqualTo((1, 1, 1)));
        });
    }

    private async Task<(Guid Run, Guid Job, Guid Step)> AddRunWithJobAndStep(Guid projectId, long number)
    {
        var now = Host.Clock.GetUtcNow().UtcDateTime;
        var run = new PipelineRun(projectId, number, "push", "refs/heads/main", new string('a', 40), now);
        var job = run.AddJob("build", [], allowFailure: false);
        var step = job.AddStep("compile");
        await Host.WithDbAsync(async db =>
        {
            db.Runs.Add(run);
            await db.SaveChangesAsync();
        });
        return (run.Id, job.Id, step.Id);
    }

    private Task<(int Runs, int Jobs, int Steps)> CountRows((Guid Run, Guid Job, Guid Step) ids) =>
        Host.WithDbAsync(async db => (
            await db.Runs.CountAsync(r => r.Id == ids.Run),
            await db.Jobs.CountAsync(j => j.Id == ids.Job),
            await db.Steps.CountAsync(s => s.Id == ids.Step)));
}
