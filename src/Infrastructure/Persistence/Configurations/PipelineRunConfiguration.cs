using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Comet.Infrastructure.Persistence.Configurations;

internal sealed class PipelineRunConfiguration : IEntityTypeConfiguration<PipelineRun>
{
    public void Configure(EntityTypeBuilder<PipelineRun> builder)
    {
        builder.ToTable("pipeline_runs");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.HasOne<Project>().WithMany().HasForeignKey(r => r.ProjectId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.ProjectId, r.Number }).IsUnique();
        builder.Property(r => r.Event).HasMaxLength(32).IsRequired();
        builder.Property(r => r.Ref).HasMaxLength(255).IsRequired();
        builder.Property(r => r.Sha).HasMaxLength(64);
        builder.Property(r => r.Branch).HasMaxLength(255);
        builder.Property(r => r.Tag).HasMaxLength(255);
        builder.Property(r => r.Variables).AsJson().IsRequired();
        builder.Property(r => r.ScheduleName).HasMaxLength(Domain.Schedules.Schedule.MaxNameLength);
        builder.Property(r => r.TriggeredBy).HasMaxLength(PipelineRun.MaxTriggeredByLength);
        builder.Property(r => r.CommitAuthor).HasMaxLength(PipelineRun.MaxCommitAuthorLength);
        builder.Property(r => r.TraceParent).HasMaxLength(PipelineRun.MaxTraceParentLength);
        builder.HasIndex(r => r.Status);
        builder.HasMany(r => r.Jobs).WithOne().HasForeignKey(j => j.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(r => r.Jobs).HasField("_jobs");
        builder.Ignore(r => r.CurrentJobs);
    }
}
