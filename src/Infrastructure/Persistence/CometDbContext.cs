using Comet.Domain.Environments;
using Comet.Domain.Events;
using Comet.Domain.Artifacts;
using Comet.Domain.Identity;
using Comet.Domain.Notifications;
using Comet.Domain.Outbound;
using Comet.Application.Common.Interfaces;
using Comet.Application.Runs.Changes;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Comet.Domain.Schedules;
using Comet.Domain.Secrets;
using Comet.Domain.Testing;
using Comet.Domain.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Comet.Infrastructure.Persistence;

/// <summary>
/// The one database context, for SQLite and PostgreSQL alike. Before each save it hands the run state changes it carries
/// to the <see cref="IRunChangeHandler"/>s, so what they add (live events, outbox rows) commits with the change.
/// </summary>
public sealed class CometDbContext(DbContextOptions<CometDbContext> options, IEnumerable<IRunChangeHandler> changeHandlers)
    : DbContext(options), ICometDbContext
{
    private readonly IRunChangeHandler[] _changeHandlers = [.. changeHandlers];

    /// <summary>A context without change handlers: tools and tests that only read or write rows.</summary>
    public CometDbContext(DbContextOptions<CometDbContext> options) : this(options, []) { }

    public DbSet<Project> Projects => Set<Project>();
    public DbSet<PipelineRun> Runs => Set<PipelineRun>();
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<Step> Steps => Set<Step>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();
    public DbSet<User> Users => Set<User>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<PersonalAccessToken> PersonalAccessTokens => Set<PersonalAccessToken>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<ProjectMember> ProjectMembers => Set<ProjectMember>();
    public DbSet<ExternalLogin> ExternalLogins => Set<ExternalLogin>();
    public DbSet<TestCaseRecord> TestCases => Set<TestCaseRecord>();
    public DbSet<TestSuiteRecord> TestSuites => Set<TestSuiteRecord>();
    public DbSet<CoverageRecord> Coverage => Set<CoverageRecord>();
    public DbSet<Artifact> Artifacts => Set<Artifact>();
    public DbSet<Schedule> Schedules => Set<Schedule>();
    public DbSet<ScheduleSlot> ScheduleSlots => Set<ScheduleSlot>();
    public DbSet<Secret> Secrets => Set<Secret>();
    public DbSet<SecretKeyCheck> SecretKeyChecks => Set<SecretKeyCheck>();
    public DbSet<DeploymentEnvironment> Environments => Set<DeploymentEnvironment>();
    public DbSet<Deployment> Deployments => Set<Deployment>();
    public DbSet<JobApproval> JobApprovals => Set<JobApproval>();
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<LiveEvent> LiveEvents => Set<LiveEvent>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<OutboxAttempt> OutboxAttempts => Set<OutboxAttempt>();
    public DbSet<ForgeStatusSetting> ForgeStatusSettings => Set<ForgeStatusSetting>();

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (_changeHandlers.Length > 0)
        {
            ChangeTracker.DetectChanges();
            var changes = RunChangeCapture.Collect(ChangeTracker);
            if (changes.Count > 0)
                foreach (var handler in _changeHandlers) await handler.OnChangesAsync(changes, this, cancellationToken);
        }
        return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CometDbContext).Assembly);

        // Names must match the hand-written migrations: snake_case columns everywhere.
        foreach (var entity in modelBuilder.Model.GetEntityTypes())
            foreach (var property in entity.GetProperties())
                property.SetColumnName(SnakeCaseNames.Of(property.Name));
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<RunStatus>().HaveConversion<SnakeCaseEnumConverter<RunStatus>>().HaveMaxLength(32);
        configurationBuilder.Properties<JobStatus>().HaveConversion<SnakeCaseEnumConverter<JobStatus>>().HaveMaxLength(32);
        configurationBuilder.Properties<StepStatus>().HaveConversion<SnakeCaseEnumConverter<StepStatus>>().HaveMaxLength(32);
        configurationBuilder.Properties<Forge>().HaveConversion<SnakeCaseEnumConverter<Forge>>().HaveMaxLength(16);
        configurationBuilder.Properties<ProjectRole>().HaveConversion<SnakeCaseEnumConverter<ProjectRole>>().HaveMaxLength(16);
        configurationBuilder.Properties<TestStatus>().HaveConversion<SnakeCaseEnumConverter<TestStatus>>().HaveMaxLength(16);
        configurationBuilder.Properties<SystemRole>().HaveConversion<SnakeCaseEnumConverter<SystemRole>>().HaveMaxLength(16);
    }
}
