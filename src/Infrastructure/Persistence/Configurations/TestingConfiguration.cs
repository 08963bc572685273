using Comet.Domain.Artifacts;
using Comet.Domain.Runs;
using Comet.Domain.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Comet.Infrastructure.Persistence.Configurations;

// Test results, coverage and artifacts belong to a run: deleting the run (or its project) deletes them.

internal sealed class TestCaseConfiguration : IEntityTypeConfiguration<TestCaseRecord>
{
    public void Configure(EntityTypeBuilder<TestCaseRecord> builder)
    {
        builder.ToTable("test_cases");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.HasOne<PipelineRun>().WithMany().HasForeignKey(t => t.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(t => t.JobName).HasMaxLength(255).IsRequired();
        builder.Property(t => t.TestId).HasMaxLength(16).IsRequired();
        builder.Property(t => t.Suite).HasMaxLength(TestCaseRecord.MaxSuiteLength).IsRequired();
        builder.Property(t => t.ClassName).HasMaxLength(TestCaseRecord.MaxClassNameLength);
        builder.Property(t => t.Name).HasMaxLength(TestCaseRecord.MaxNameLength).IsRequired();
        builder.Property(t => t.File).HasMaxLength(TestCaseRecord.MaxFileLength);
        builder.Property(t => t.CommitSha).HasMaxLength(64);
        builder.Property(t => t.Branch).HasMaxLength(255);
        builder.HasIndex(t => t.RunId);
        // History, flaky and slowest look a test up within a project.
        builder.HasIndex(t => new { t.ProjectId, t.TestId });
    }
}

internal sealed class TestSuiteConfiguration : IEntityTypeConfiguration<TestSuiteRecord>
{
    public void Configure(EntityTypeBuilder<TestSuiteRecord> builder)
    {
        builder.ToTable("test_suites");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.HasOne<PipelineRun>().WithMany().HasForeignKey(t => t.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(t => t.Name).HasMaxLength(TestSuiteRecord.MaxNameLength).IsRequired();
        builder.HasIndex(t => t.RunId);
    }
}

internal sealed class CoverageConfiguration : IEntityTypeConfiguration<CoverageRecord>
{
    public void Configure(EntityTypeBuilder<CoverageRecord> builder)
    {
        builder.ToTable("coverage_reports");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.HasOne<PipelineRun>().WithMany().HasForeignKey(c => c.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(c => c.JobName).HasMaxLength(255).IsRequired();
        builder.Property(c => c.Files).AsJsonList().IsRequired();
        builder.Property(c => c.Branch).HasMaxLength(255);
        builder.Property(c => c.CommitSha).HasMaxLength(64);
        builder.Ignore(c => c.Counts);
        builder.HasIndex(c => c.RunId);
        builder.HasIndex(c => new { c.ProjectId, c.Branch });
    }
}

internal sealed class ArtifactConfiguration : IEntityTypeConfiguration<Artifact>
{
    public void Configure(EntityTypeBuilder<Artifact> builder)
    {
        builder.ToTable("artifacts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.HasOne<PipelineRun>().WithMany().HasForeignKey(a => a.RunId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.JobName).HasMaxLength(255).IsRequired();
        builder.Property(a => a.Path).HasMaxLength(Artifact.MaxPathLength).IsRequired();
        builder.Property(a => a.Sha256).HasMaxLength(64).IsRequired();
        builder.HasIndex(a => a.RunId);
        builder.HasIndex(a => a.Sha256);
        // The sweep looks for what has expired.
        builder.HasIndex(a => a.ExpiresAt);
    }
}
