using Comet.Domain.Environments;
using Comet.Domain.Events;
using Comet.Domain.Artifacts;
using Comet.Domain.Identity;
using Comet.Domain.Notifications;
using Comet.Domain.Outbound;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Comet.Domain.Schedules;
using Comet.Domain.Secrets;
using Comet.Domain.Testing;
using Comet.Domain.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Comet.Application.Common.Interfaces;

/// <summary>The unit of work use cases write through; Infrastructure provides it for SQLite and PostgreSQL.</summary>
public interface ICometDbContext
{
    DbSet<Project> Projects { get; }
    DbSet<PipelineRun> Runs { get; }
    DbSet<Job> Jobs { get; }
    DbSet<Step> Steps { get; }
    DbSet<Delivery> Deliveries { get; }
    DbSet<User> Users { get; }
    DbSet<RefreshToken> RefreshTokens { get; }
    DbSet<PersonalAccessToken> PersonalAccessTokens { get; }
    DbSet<AuditEvent> AuditEvents { get; }
    DbSet<ProjectMember> ProjectMembers { get; }
    DbSet<ExternalLogin> ExternalLogins { get; }
    DbSet<TestCaseRecord> TestCases { get; }
    DbSet<TestSuiteRecord> TestSuites { get; }
    DbSet<CoverageRecord> Coverage { get; }
    DbSet<Artifact> Artifacts { get; }
    DbSet<Schedule> Schedules { get; }
    DbSet<ScheduleSlot> ScheduleSlots { get; }
    DbSet<Secret> Secrets { get; }
    DbSet<SecretKeyCheck> SecretKeyChecks { get; }
    DbSet<DeploymentEnvironment> Environments { get; }
    DbSet<Deployment> Deployments { get; }
    DbSet<JobApproval> JobApprovals { get; }
    DbSet<Subscription> Subscriptions { get; }
    DbSet<LiveEvent> LiveEvents { get; }
    DbSet<OutboxMessage> OutboxMessages { get; }
    DbSet<OutboxAttempt> OutboxAttempts { get; }
    DbSet<ForgeStatusSetting> ForgeStatusSettings { get; }

    Task<int> SaveChangesAsync(CancellationToken cancellationToken = default);
}
