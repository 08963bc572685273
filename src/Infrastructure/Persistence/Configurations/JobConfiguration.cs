using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Comet.Infrastructure.Persistence.Configurations;

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs");
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Id).ValueGeneratedNever();
        builder.HasIndex(j => j.RunId);
        builder.Property(j => j.Name).HasMaxLength(255).IsRequired();

        // The job's DAG edges are read and written with the job, never queried alone: one JSON column.
        builder.Property(j => j.Needs).AsJson().IsRequired();
        builder.Property(j => j.Spec).IsRequired();
        builder.Property(j => j.Warnings).AsJson().IsRequired();
        builder.Property(j => j.LeaseOwner).HasMaxLength(64);
        builder.HasIndex(j => new { j.RunId, j.Name, j.Attempt }).IsUnique();
        // The dispatcher looks for work by status.
        builder.HasIndex(j => j.Status);
        // The claim counts the running jobs of a concurrency group; the group's name is read from its key.
        builder.Property(j => j.ConcurrencyKey).HasMaxLength(140);
        builder.HasIndex(j => new { j.ConcurrencyKey, j.Status });
        builder.Ignore(j => j.ConcurrencyGroup);
        builder.Property(j => j.EnvironmentName).HasMaxLength(64);
        // The claim looks for a running job holding the environment's deploy lock.
        builder.Property(j => j.DeployLockKey).HasMaxLength(120);
        builder.HasIndex(j => new { j.DeployLockKey, j.Status });
        builder.Ignore(j => j.IsGated);

        builder.HasMany(j => j.Steps).WithOne().HasForeignKey(s => s.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(j => j.Steps).HasField("_steps");
    }
}
