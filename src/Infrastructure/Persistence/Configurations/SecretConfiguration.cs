using Comet.Domain.Projects;
using Comet.Domain.Secrets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Comet.Infrastructure.Persistence.Configurations;

internal sealed class SecretConfiguration : IEntityTypeConfiguration<Secret>
{
    public void Configure(EntityTypeBuilder<Secret> builder)
    {
        builder.ToTable("secrets");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        // A project's secrets go with it; instance secrets have no project.
        builder.HasOne<Project>().WithMany().HasForeignKey(s => s.ProjectId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(s => s.ScopeKey).HasMaxLength(200).IsRequired();
        builder.Property(s => s.Name).HasMaxLength(Secret.MaxNameLength).IsRequired();
        builder.Property(s => s.Environment).HasMaxLength(Secret.MaxEnvironmentLength);
        builder.Property(s => s.ProtectedValue).IsRequired();
        builder.Property(s => s.UpdatedBy).HasMaxLength(64);
        builder.HasIndex(s => new { s.ScopeKey, s.Name }).IsUnique();
        builder.HasIndex(s => new { s.ProjectId, s.Name });
        builder.Ignore(s => s.Scope);
    }
}

internal sealed class SecretKeyCheckConfiguration : IEntityTypeConfiguration<SecretKeyCheck>
{
    public void Configure(EntityTypeBuilder<SecretKeyCheck> builder)
    {
        builder.ToTable("secret_key_checks");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.ProtectedCanary).IsRequired();
    }
}
