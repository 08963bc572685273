using Comet.Application.Projects;
using Comet.Domain.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Comet.Infrastructure.Persistence.Configurations;

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> builder)
    {
        builder.ToTable("projects");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.Property(p => p.Name).HasMaxLength(ProjectRules.MaxNameLength).IsRequired();
        builder.Property(p => p.NormalizedName).HasMaxLength(ProjectRules.MaxNameLength).IsRequired();
        builder.HasIndex(p => p.NormalizedName).IsUnique();
        builder.Property(p => p.Slug).HasMaxLength(Slug.MaxLength).IsRequired();
        builder.HasIndex(p => p.Slug).IsUnique();
        builder.Property(p => p.RepoUrl).HasMaxLength(ProjectRules.MaxRepoUrlLength).IsRequired();
        builder.Property(p => p.DefaultBranch).HasMaxLength(ProjectRules.MaxBranchLength).IsRequired();
        builder.Property(p => p.PipelineFile).HasMaxLength(ProjectRules.MaxPipelineFileLength).IsRequired();
        builder.Property(p => p.WebhookSecret).HasMaxLength(128).IsRequired();
        builder.Property(p => p.LastRejectionReason).HasMaxLength(Project.MaxRejectionReasonLength);
        builder.Property(p => p.AutoCancelBranches).HasConversion<SnakeCaseEnumConverter<AutoCancelBranches>>().HasMaxLength(16);
    }
}
