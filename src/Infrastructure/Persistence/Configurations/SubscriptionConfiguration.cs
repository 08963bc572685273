using Comet.Domain.Identity;
using Comet.Domain.Notifications;
using Comet.Domain.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Comet.Infrastructure.Persistence.Configurations;

internal sealed class SubscriptionConfiguration : IEntityTypeConfiguration<Subscription>
{
    public void Configure(EntityTypeBuilder<Subscription> builder)
    {
        builder.ToTable("subscriptions");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.HasOne<Project>().WithMany().HasForeignKey(s => s.ProjectId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => s.ProjectId);
        builder.HasIndex(s => s.UserId);
        builder.Property(s => s.Events).AsJson().IsRequired();
        builder.Property(s => s.Branches).AsJson().IsRequired();
        builder.Property(s => s.Channel).HasMaxLength(16).IsRequired();
        builder.Property(s => s.Target).HasMaxLength(2048);
        builder.Property(s => s.ProtectedSecret).HasMaxLength(8192);
        builder.Property(s => s.Template).HasMaxLength(Subscription.MaxTemplateLength);
        builder.Property(s => s.Templates).AsJson().IsRequired();
        builder.Property(s => s.CreatedBy).HasMaxLength(255).IsRequired();
    }
}
