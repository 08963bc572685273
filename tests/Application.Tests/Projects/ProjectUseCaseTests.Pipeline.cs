using Comet.Application.Common.Behaviours;
using Comet.Application.Projects;
using Comet.Application.Projects.Commands;
using Comet.Application.Projects.Queries;
using Comet.TestSupport;
using FluentValidation;
using MediatR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Comet.Application.Tests.Projects;

/// <summary>The MediatR pipeline around every use case: logging, then unhandled exceptions, then validation, then the handler.</summary>
public sealed partial class ProjectUseCaseTests
{
    private static readonly CreateProjectCommand InvalidCreate = new() { Name = "", RepoUrl = "https://github.com/a/b.git" };

    [Test]
    public async Task Behaviours_are_registered_outermost_first_logging_then_exceptions_then_authorization_then_validation_then_run_links()
    {
        await using var scope = Host.Services.CreateAsyncScope();

        var behaviours = scope.ServiceProvider.GetServices<IPipelineBehavior<CreateProjectCommand, CreatedProjectDto>>();

        Assert.That(behaviours.Select(b => b.GetType().GetGenericTypeDefinition()), Is.EqualTo(new[]
        {
            typeof(LoggingBehaviour<,>),
            typeof(UnhandledExceptionBehaviour<,>),
            typeof(AuthorizationBehaviour<,>),
            typeof(ValidationBehaviour<,>),
            typeof(Comet.Application.Runs.RunLinkBehaviour<,>),
        }));
    }

    [Test]
    public async Task Invalid_request_is_rejected_before_the_handler_writes_anything()
    {
        Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(InvalidCreate));

        Assert.That(await Host.WithDbAsync(db => db.Projects.CountAsync()), Is.Zero);
    }

    [Test]
    public async Task Validation_runs_before_the_handler_touches_the_database()
    {
        // No migrations: any database access by the handler would fail with a database error, not a validation error.
        await using var unmigrated = await TestHost.StartAsync(_provider, migrate: false);

        Assert.ThrowsAsync<ValidationException>(() => unmigrated.SendAsync(InvalidCreate));

        Assert.That(unmigrated.Logs.Entries.Where(e => e.Category.StartsWith("Microsoft.EntityFrameworkCore.Database.Command")), Is.Empty,
            "the handler must not have sent any SQL");
    }

    [Test]
    public async Task Every_request_is_logged_with_its_name_even_when_rejected()
    {
        await CreateAsync("Logged");
        Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(InvalidCreate));
        await Host.SendAsync(new GetProjectQuery("logged"));

        var handled = Host.Logs.Entries.Where(e => e.Message.StartsWith("Handled ")).Select(e => e.Message.Split(' ')[1]);

        Assert.That(handled, Is.EqualTo(new[] { nameof(CreateProjectCommand), nameof(CreateProjectCommand), nameof(GetProjectQuery) }));
    }

    [Test]
    public void Expected_outcomes_are_not_logged_as_errors()
    {
        // Only what the requests log: Npgsql's migrator logs a spurious error on a fresh database (npgsql/efcore.pg#3407).
        var before = Host.Logs.Entries.Count;
        Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(InvalidCreate));
        Assert.ThrowsAsync<Common.Exceptions.NotFoundException>(() => Host.SendAsync(new GetProjectQuery("ghost")));

        var logged = Host.Logs.Entries.Skip(before).ToList();
        Assert.That(logged.Where(e => e.Message.StartsWith("Handled ")).Count(), Is.EqualTo(2), "both requests went through the pipeline");
        Assert.That(logged.Where(e => e.Level >= LogLevel.Error), Is.Empty);
    }

    [Test]
    public async Task An_unexpected_failure_is_logged_as_an_error_inside_the_timed_logging()
    {
        // Without migrations the handler's query fails: not an expected outcome.
        await using var unmigrated = await TestHost.StartAsync(_provider, migrate: false);

        var thrown = Assert.CatchAsync(() => unmigrated.SendAsync(new GetProjectQuery("any")))!;
        Assert.That(thrown, Is.Not.InstanceOf<Common.Exceptions.NotFoundException>());

        var entries = unmigrated.Logs.Entries.ToList();
        var error = entries.FindIndex(e => e.Level == LogLevel.Error && e.Message == $"Unhandled exception for {nameof(GetProjectQuery)}");
        var handled = entries.FindIndex(e => e.Message.StartsWith($"Handled {nameof(GetProjectQuery)} in "));
        Assert.That(error, Is.GreaterThanOrEqualTo(0), "the unhandled exception behaviour logs the failure");
        Assert.Multiple(() =>
        {
            Assert.That(entries[error].Exception, Is.SameAs(thrown));
            Assert.That(handled, Is.GreaterThan(error), "logging is the outer behaviour, so it finishes after the error is logged");
        });
    }
}
