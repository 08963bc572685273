using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Comet.Infrastructure.Persistence;
using Comet.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Comet.Infrastructure.Tests.Persistence;

/// <summary>
/// The hand-written migrations and the EF mapping on a real database. Every test runs on SQLite and on
/// PostgreSQL (ignored locally when COMET_TEST_POSTGRES is not set).
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
public sealed class DatabaseTests(string providerName)
{
    private static readonly string[] KnownMigrations = ["20261122000000_InitialSchema", "20261122030000_PipelineExecution", "20261122060000_Identity", "20261122090000_TestReportsAndArtifacts", "20261207010000_WebhookRejectionsAndDuplicatePushes", "20261207020000_PasswordChanges", "20261207040000_Secrets", "20261207050000_Schedules", "20261207060000_QueueThatExplainsItself", "20261207070000_EnvironmentsAndDeployments", "20261208000000_ApprovalsAndProtectedEnvironments", "20261208010000_OutboxAndForgeStatus", "20261208020000_LiveEvents", "20261208030000_NotificationSubscriptions", "20261208040000_RunTraceContext", "20261209000000_RunCommitAuthor"];
    private static readonly string[] Tables = ["projects", "pipeline_runs", "jobs", "steps", "deliveries", "users", "refresh_tokens", "personal_access_tokens", "audit_events", "project_members", "external_logins", "test_cases", "test_suites", "coverage_reports", "artifacts", "secrets", "secret_key_checks", "schedules", "schedule_slots", "environments", "deployments", "job_approvals", "outbox_messages", "outbox_attempts", "forge_status_settings", "live_events", "subscriptions"];
    private static readonly DateTime T0 = new(2026, 3, 4, 5, 6, 7, 123, DateTimeKind.Utc);

    private readonly DatabaseProvider _provider = DatabaseProviders.Parse(providerName);
    private TestHost? _host;

    private TestHost Host => _host ?? throw new InvalidOperationException("SetUp did not run.");

    [SetUp]
    public async Task CreateDatabase() => _host = await TestHost.CreateAsync(_provider);

    [TearDown]
    public async Task DropDatabase()
    {
        if (_host is not null) await _host.DisposeAsync();
        _host = null;
    }

    [Test]
    public async Task Fresh_database_gets_every_table_and_exactly_the_known_migrations()
    {
        var applied = await Host.MigrateAsync();

        var tables = await Host.WithDbAsync(TableNamesAsync);
        var history = await Host.WithDbAsync(async db => (await db.Database.GetAppliedMigrationsAsync()).ToList());
        var pending = await Host.WithDbAsync(async db => (await db.Database.GetPendingMigrationsAsync()).ToList());
        Assert.Multiple(() =>
        {
            Assert.That(applied, Is.EqualTo(KnownMigrations));
            Assert.That(tables, Is.SupersetOf(Tables));
            Assert.That(history, Is.EqualTo(KnownMigrations));
            Assert.That(pending, Is.Empty);
        });
    }

    [Test]
    public async Task Migrating_a_fresh_database_logs_no_error()
    {
        await Host.MigrateAsync();

        var errors = Host.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Select(e => e.Message);
        Assert.That(errors, Is.Empty, "a first start must not greet the user with error lines");
    }

    [Test]
    public async Task An_unmigrated_database_has_none_of_the_tables()
    {
        var tables = await Host.WithDbAsync(TableNamesAsync);

        Assert.That(tables.Intersect(Tables), Is.Empty);
    }

    [Test]
    public async Task Every_mapped_column_exists_in_the_migrated_schema_and_no_other()
    {
        await Host.MigrateAsync();

        await Host.WithDbAsync(async db =>
        {
            foreach (var entity in db.Model.GetEntityTypes())
            {
                var table = entity.GetTableName()!;
                var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
                var mapped = entity.GetProperties().Select(p => p.GetColumnName(store)).ToList();
                var actual = await ColumnNamesAsync(db, table);
                Assert.That(actual, Is.EquivalentTo(mapped), $"columns of {table}");
            }
        });
    }

    [Test]
    public async Task Second_start_applies_nothing_and_keeps_rows()
    {
        await Host.MigrateAsync();
        var written = await WriteSampleRowsAsync();

        await Host.RestartAsync();
        var applied = await Host.MigrateAsync();

        Assert.That(applied, Is.Empty);
        var history = await Host.WithDbAsync(async db => (await db.Database.GetAppliedMigrationsAsync()).ToList());
        Assert.That(history, Is.EqualTo(KnownMigrations));

        var project = await Host.WithDbAsync(db => db.Projects.AsNoTracking().SingleAsync());
        var run = await Host.WithDbAsync(db => db.Runs.AsNoTracking().Include(r => r.Jobs).ThenInclude(j => j.Steps).SingleAsync());
        var deploy = run.Jobs.Single(j => j.Name == "deploy");
        var build = run.Jobs.Single(j => j.Name == "build");
        var step = build.Steps.Single();
        Assert.Multiple(() =>
        {
            Assert.That(project.Id, Is.EqualTo(written.Project.Id));
            Assert.That(project.Name, Is.EqualTo("Widgets"));
            Assert.That(project.Slug, Is.EqualTo("widgets"));
            Assert.That(project.RepoUrl, Is.EqualTo("https://github.com/acme/widgets.git"));
            Assert.That(project.DefaultBranch, Is.EqualTo("trunk"));
            Assert.That(project.Forge, Is.EqualTo(Forge.Github));
            Assert.That(project.PipelineFile, Is.EqualTo("ci/comet.yml"));
            Assert.That(project.WebhookSecret, Is.EqualTo(written.Project.WebhookSecret));
            Assert.That(project.CreatedAt, Is.EqualTo(T0));

            Assert.That(run.Id, Is.EqualTo(written.Run.Id));
            Assert.That(run.ProjectId, Is.EqualTo(project.Id));
            Assert.That(run.Number, Is.EqualTo(7));
            Assert.That(run.Status, Is.EqualTo(RunStatus.Running));
            Assert.That(run.Event, Is.EqualTo("push"));
            Assert.That(run.Ref, Is.EqualTo("refs/heads/trunk"));
            Assert.That(run.Sha, Is.EqualTo("0123456789abcdef0123456789abcdef01234567"));
            Assert.That(run.Error, Is.Null);
            Assert.That(run.StartedAt, Is.EqualTo(T0.AddSeconds(1)));
            Assert.That(run.FinishedAt, Is.Null);

            Assert.That(deploy.Id, Is.EqualTo(written.Deploy.Id));
            Assert.That(deploy.Status, Is.EqualTo(JobStatus.WaitingForApproval));
            Assert.That(deploy.Needs, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(deploy.AllowFailure, Is.True);
            Assert.That(deploy.Steps, Is.Empty);

            Assert.That(build.Status, Is.EqualTo(JobStatus.Running));
            Assert.That(build.Needs, Is.Empty);
            Assert.That(build.AllowFailure, Is.False);
            Assert.That(build.Attempt, Is.EqualTo(1));
            Assert.That(build.QueuedAt, Is.EqualTo(T0.AddSeconds(2)));
            Assert.That(build.StartedAt, Is.EqualTo(T0.AddSeconds(3)));

            Assert.That(step.Id, Is.EqualTo(written.Step.Id));
            Assert.That(step.Index, Is.Zero);
            Assert.That(step.Name, Is.EqualTo("compile"));
            Assert.That(step.Status, Is.EqualTo(StepStatus.Failed));
            Assert.That(step.ExitCode, Is.EqualTo(3));
            Assert.That(step.FinishedAt, Is.EqualTo(T0.AddSeconds(5)));
        });
    }

    [Test]
    public async Task Statuses_and_forge_are_stored_as_lowercase_snake_case_names()
    {
        await Host.MigrateAsync();
        await WriteSampleRowsAsync();

        var deploy = await Host.WithDbAsync(db => RawStringsAsync(db, "SELECT status AS \"Value\" FROM jobs WHERE name = 'deploy'"));
        var build = await Host.WithDbAsync(db => RawStringsAsync(db, "SELECT status AS \"Value\" FROM jobs WHERE name = 'build'"));
        var run = await Host.WithDbAsync(db => RawStringsAsync(db, "SELECT status AS \"Value\" FROM pipeline_runs"));
        var step = await Host.WithDbAsync(db => RawStringsAsync(db, "SELECT status AS \"Value\" FROM steps"));
        var forge = await Host.WithDbAsync(db => RawStringsAsync(db, "SELECT forge AS \"Value\" FROM projects"));
        Assert.Multiple(() =>
        {
            Assert.That(deploy, Is.EqualTo(new[] { "waiting_for_approval" }));
            Assert.That(build, Is.EqualTo(new[] { "running" }));
            Assert.That(run, Is.EqualTo(new[] { "running" }));
            Assert.That(step, Is.EqualTo(new[] { "failed" }));
            Assert.That(forge, Is.EqualTo(new[] { "github" }));
        });
    }

    [Test]
    public async Task Needs_are_stored_as_a_json_array()
    {
        await Host.MigrateAsync();
        await WriteSampleRowsAsync();

        var needs = await Host.WithDbAsync(db => RawStringsAsync(db, "SELECT needs AS \"Value\" FROM jobs WHERE name = 'deploy'"));

        Assert.That(needs, Is.EqualTo(new[] { "[\"a\",\"b\"]" }));
    }

    [Test]
    public async Task An_unknown_status_in_the_database_is_reported_when_read()
    {
        await Host.MigrateAsync();
        await WriteSampleRowsAsync();
        await Host.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE jobs SET status = 'exploded' WHERE name = 'deploy'"));

        var ex = Assert.CatchAsync<InvalidOperationException>(() => Host.WithDbAsync(db => db.Jobs.AsNoTracking().ToListAsync()))!;

        Assert.That(ex.Message, Does.Contain("'exploded'").And.Contain(nameof(JobStatus)));
    }

    [Test]
    public async Task Dates_come_back_as_utc_with_the_same_value()
    {
        await Host.MigrateAsync();
        await WriteSampleRowsAsync();

        var project = await Host.WithDbAsync(db => db.Projects.AsNoTracking().SingleAsync());
        var run = await Host.WithDbAsync(db => db.Runs.AsNoTracking().SingleAsync());
        var build = await Host.WithDbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Name == "build"));
        var step = await Host.WithDbAsync(db => db.Steps.AsNoTracking().SingleAsync());
        var dates = new (string Name, DateTime? Value, DateTime Expected)[]
        {
            ("project.CreatedAt", project.CreatedAt, T0),
            ("project.UpdatedAt", project.UpdatedAt, T0),
            ("run.CreatedAt", run.CreatedAt, T0),
            ("run.StartedAt", run.StartedAt, T0.AddSeconds(1)),
            ("job.QueuedAt", build.QueuedAt, T0.AddSeconds(2)),
            ("job.StartedAt", build.StartedAt, T0.AddSeconds(3)),
            ("step.StartedAt", step.StartedAt, T0.AddSeconds(4)),
            ("step.FinishedAt", step.FinishedAt, T0.AddSeconds(5)),
        };
        Assert.Multiple(() =>
        {
            foreach (var (name, value, expected) in dates)
            {
                Assert.That(value, Is.EqualTo(expected), name);
                Assert.That(value?.Kind, Is.EqualTo(DateTimeKind.Utc), name);
            }
        });
    }

    [Test]
    public async Task Dates_filter_correctly_in_queries()
    {
        await Host.MigrateAsync();
        await WriteSampleRowsAsync();

        var before = await Host.WithDbAsync(db => db.Projects.CountAsync(p => p.CreatedAt < T0.AddMilliseconds(1)));
        var after = await Host.WithDbAsync(db => db.Projects.CountAsync(p => p.CreatedAt > T0));

        Assert.Multiple(() =>
        {
            Assert.That(before, Is.EqualTo(1));
            Assert.That(after, Is.Zero);
        });
    }

    [Test]
    public async Task The_unique_slug_index_rejects_a_second_project_with_the_same_slug()
    {
        await Host.MigrateAsync();
        await Host.WithDbAsync(async db =>
        {
            db.Projects.Add(NewProject("First", "same"));
            await db.SaveChangesAsync();
        });

        Assert.CatchAsync<DbUpdateException>(() => Host.WithDbAsync(async db =>
        {
            db.Projects.Add(NewProject("Second", "same"));
            await db.SaveChangesAsync();
        }));

        var names = await Host.WithDbAsync(db => db.Projects.Select(p => p.Name).ToListAsync());
        Assert.That(names, Is.EqualTo(new[] { "First" }));
    }

    [Test]
    public async Task Two_runs_of_one_project_cannot_share_a_number()
    {
        await Host.MigrateAsync();
        var project = NewProject("Widgets", "widgets");
        await Host.WithDbAsync(async db =>
        {
            db.Projects.Add(project);
            db.Runs.Add(new PipelineRun(project.Id, 1, "push", "refs/heads/main", null, T0));
            await db.SaveChangesAsync();
        });

        Assert.CatchAsync<DbUpdateException>(() => Host.WithDbAsync(async db =>
        {
            db.Runs.Add(new PipelineRun(project.Id, 1, "manual", "refs/heads/main", null, T0));
            await db.SaveChangesAsync();
        }));
    }

    [Test]
    public async Task Deleting_a_project_row_cascades_in_the_database_itself()
    {
        await Host.MigrateAsync();
        await WriteSampleRowsAsync();

        // Raw SQL, so EF's own cascade for tracked entities plays no part: the foreign keys must do it.
        await Host.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM projects"));

        var counts = await Host.WithDbAsync(async db => (await db.Runs.CountAsync(), await db.Jobs.CountAsync(), await db.Steps.CountAsync()));
        Assert.That(counts, Is.EqualTo((0, 0, 0)));
    }

    [Test]
    public async Task Health_is_unhealthy_before_migration_and_healthy_after()
    {
        var before = await CheckDatabaseHealthAsync();
        await Host.MigrateAsync();
        var after = await CheckDatabaseHealthAsync();

        Assert.Multiple(() =>
        {
            Assert.That(before.Status, Is.EqualTo(HealthStatus.Unhealthy), before.Description);
            Assert.That(after.Status, Is.EqualTo(HealthStatus.Healthy), after.Description);
        });
    }

    private async Task<HealthReportEntry> CheckDatabaseHealthAsync()
    {
        var report = await Host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains("ready"));
        return report.Entries["database"];
    }

    private sealed record SampleRows(Project Project, PipelineRun Run, Job Deploy, Job Build, Step Step);

    private async Task<SampleRows> WriteSampleRowsAsync()
    {
        var project = new Project("Widgets", "widgets", "https://github.com/acme/widgets.git", "trunk", Forge.Github,
            "ci/comet.yml", new string('f', 64), T0);
        var run = new PipelineRun(project.Id, 7, "push", "refs/heads/trunk", "0123456789abcdef0123456789abcdef01234567", T0);
        run.MoveTo(RunStatus.Running, T0.AddSeconds(1));
        var deploy = run.AddJob("deploy", ["a", "b"], allowFailure: true);
        deploy.MoveTo(JobStatus.WaitingForApproval, T0.AddSeconds(2));
        var build = run.AddJob("build", [], allowFailure: false);
        build.MoveTo(JobStatus.Queued, T0.AddSeconds(2));
        build.MoveTo(JobStatus.Running, T0.AddSeconds(3));
        var step = build.AddStep("compile");
        step.MoveTo(StepStatus.Running, T0.AddSeconds(4));
        step.MoveTo(StepStatus.Failed, T0.AddSeconds(5), exitCode: 3);

        await Host.WithDbAsync(async db =>
        {
            db.Projects.Add(project);
            db.Runs.Add(run);
            await db.SaveChangesAsync();
        });
        return new SampleRows(project, run, deploy, build, step);
    }

    private static Project NewProject(string name, string slug) =>
        new(name, slug, "https://example.org/" + slug + ".git", "main", Forge.Generic, ".comet.yml", new string('0', 64), T0);

    private static Task<List<string>> RawStringsAsync(CometDbContext db, string sql) =>
        db.Database.SqlQueryRaw<string>(sql).ToListAsync();

    private Task<List<string>> TableNamesAsync(CometDbContext db) => _provider == DatabaseProvider.Sqlite
        ? RawStringsAsync(db, "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table'")
        : RawStringsAsync(db, "SELECT table_name::text AS \"Value\" FROM information_schema.tables WHERE table_schema = 'public'");

    private Task<List<string>> ColumnNamesAsync(CometDbContext db, string table) => _provider == DatabaseProvider.Sqlite
        ? db.Database.SqlQuery<string>($"SELECT name AS \"Value\" FROM pragma_table_info({table})").ToListAsync()
        : db.Database.SqlQuery<string>(
            $"SELECT column_name::text AS \"Value\" FROM information_schema.columns WHERE table_schema = 'public' AND table_name = {table}").ToListAsync();
}
