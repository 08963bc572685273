using Comet.Domain.Environments;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Comet.Infrastructure.Persistence.Configurations;

internal sealed class EnvironmentConfiguration : IEntityTypeConfiguration<DeploymentEnvironment>
{
    public void Configure(EntityTypeBuilder<DeploymentEnvironment> builder)
    {
        builder.ToTable("environments");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.HasOne<Project>().WithMany().HasForeignKey(e => e.ProjectId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(e => e.Name).HasMaxLength(DeploymentEnvironment.MaxNameLength).IsRequired();
        // One row per project and name: two jobs naming a new environment at once make it once.
        builder.HasIndex(e => new { e.ProjectId, e.Name }).IsUnique();
        builder.Property(e => e.Url).HasMaxLength(DeploymentEnvironment.MaxUrlLength);
        // Protection rules are read with the environment, never queried alone.
        builder.Property(e => e.Branches).AsJson().IsRequired();
        builder.Property(e => e.Tags).AsJson().IsRequired();
        // Whole seconds in a bigint: both databases store and compare it alike (TimeSpan maps to interval vs text).
        builder.Property(e => e.ApprovalTimeout).HasConversion(
            t => t.HasValue ? (long?)(long)t.Value.TotalSeconds : null,
            s => s.HasValue ? TimeSpan.FromSeconds(s.Value) : null);
        builder.Ignore(e => e.IsProtected);
    }
}

internal sealed class JobApprovalConfiguration : IEntityTypeConfiguration<JobApproval>
{
    public void Configure(EntityTypeBuilder<JobApproval> builder)
    {
        builder.ToTable("job_approvals");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.HasOne<Job>().WithMany().HasForeignKey(a => a.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.Username).HasMaxLength(255).IsRequired();
        builder.Property(a => a.Comment).HasMaxLength(JobApproval.MaxCommentLength);
        // One decision per person and job attempt: two clicks at once cannot count twice.
        builder.HasIndex(a => new { a.JobId, a.UserId }).IsUnique();
        builder.HasIndex(a => a.RunId);
    }
}

internal sealed class DeploymentConfiguration : IEntityTypeConfiguration<Deployment>
{
    public void Configure(EntityTypeBuilder<Deployment> builder)
    {
        builder.ToTable("deployments");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.HasOne<DeploymentEnvironment>().WithMany().HasForeignKey(d => d.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
        // Deleting a run deletes the deployments it made, like its jobs.
        builder.HasOne<PipelineRun>().WithMany().HasForeignKey(d => d.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(d => d.JobName).HasMaxLength(255).IsRequired();
        builder.Property(d => d.Sha).HasMaxLength(64).IsRequired();
        builder.Property(d => d.Ref).HasMaxLength(255).IsRequired();
        builder.Property(d => d.TriggeredBy).HasMaxLength(Deployment.MaxTriggeredByLength);
        builder.Property(d => d.Url).HasMaxLength(DeploymentEnvironment.MaxUrlLength);
        builder.Property(d => d.Status).HasConversion<SnakeCaseEnumConverter<DeploymentStatus>>().HasMaxLength(16);
        // History newest first per environment; the job's end finds its open deployment by job.
        builder.HasIndex(d => new { d.EnvironmentId, d.StartedAt });
        builder.HasIndex(d => d.JobId);
    }
}
