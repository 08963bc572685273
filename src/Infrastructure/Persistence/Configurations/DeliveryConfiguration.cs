using Comet.Domain.Projects;
using Comet.Domain.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Comet.Infrastructure.Persistence.Configurations;

internal sealed class DeliveryConfiguration : IEntityTypeConfiguration<Delivery>
{
    public void Configure(EntityTypeBuilder<Delivery> builder)
    {
        builder.ToTable("deliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.HasOne<Project>().WithMany().HasForeignKey(d => d.ProjectId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(d => d.Forge).HasMaxLength(16).IsRequired();
        builder.Property(d => d.DeliveryId).HasMaxLength(128);
        // NULL for rejected deliveries; NULLs never clash in a unique index on either database.
        builder.Property(d => d.IdempotencyKey).HasMaxLength(256);
        builder.HasIndex(d => d.IdempotencyKey).IsUnique();
        builder.HasIndex(d => new { d.ProjectId, d.ReceivedAt });
        // One run per pushed ref and commit: the second of two identical pushes racing in fails here and answers with the first's run.
        builder.Property(d => d.TriggerKey).HasMaxLength(Delivery.TriggerKeyMaxLength);
        builder.HasIndex(d => new { d.ProjectId, d.TriggerKey }).IsUnique();
        builder.Property(d => d.Event).HasMaxLength(64);
        builder.Property(d => d.Outcome).HasMaxLength(32).IsRequired();
        builder.Property(d => d.Response).IsRequired();
    }
}
