using Comet.Domain.Outbound;
using Comet.Domain.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Comet.Infrastructure.Persistence.Configurations;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("outbox_messages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
        // Deleting a project deletes what it still had to send.
        builder.HasOne<Project>().WithMany().HasForeignKey(m => m.ProjectId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(m => m.Kind).HasMaxLength(OutboxMessage.MaxKindLength).IsRequired();
        builder.Property(m => m.Channel).HasMaxLength(OutboxMessage.MaxChannelLength).IsRequired();
        builder.Property(m => m.Destination).HasMaxLength(OutboxMessage.MaxDestinationLength).IsRequired();
        builder.Property(m => m.Payload).IsRequired();
        builder.Property(m => m.Summary).HasMaxLength(OutboxMessage.MaxSummaryLength).IsRequired();
        builder.Property(m => m.OrderingKey).HasMaxLength(OutboxMessage.MaxDestinationLength);
        builder.HasIndex(m => new { m.OrderingKey, m.State });
        builder.Property(m => m.CredentialSecret).HasMaxLength(128);
        builder.Property(m => m.CredentialHeader).HasMaxLength(128);
        builder.Property(m => m.CredentialFormat).HasMaxLength(128);
        builder.Property(m => m.State).HasConversion<SnakeCaseEnumConverter<OutboxState>>().HasMaxLength(16);
        builder.Property(m => m.LastError).HasMaxLength(OutboxMessage.MaxErrorLength);
        builder.Property(m => m.DeadReason).HasMaxLength(OutboxMessage.MaxErrorLength);
        builder.Property(m => m.LeaseOwner).HasMaxLength(OutboxMessage.MaxNodeLength);
        // The deliverer's question every poll: pending and due.
        builder.HasIndex(m => new { m.State, m.NextAttemptAt });
        // The delivery log: a project's messages, newest first.
        builder.HasIndex(m => new { m.ProjectId, m.CreatedAt });
    }
}

internal sealed class OutboxAttemptConfiguration : IEntityTypeConfiguration<OutboxAttempt>
{
    public void Configure(EntityTypeBuilder<OutboxAttempt> builder)
    {
        builder.ToTable("outbox_attempts");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedNever();
        builder.HasOne<OutboxMessage>().WithMany().HasForeignKey(a => a.MessageId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(a => a.Request).HasMaxLength(OutboxAttempt.MaxRequestLength).IsRequired();
        builder.Property(a => a.Answer).HasMaxLength(OutboxAttempt.MaxAnswerLength);
        builder.Property(a => a.Result).HasMaxLength(16).IsRequired();
        builder.HasIndex(a => new { a.MessageId, a.Number });
    }
}

internal sealed class ForgeStatusSettingConfiguration : IEntityTypeConfiguration<ForgeStatusSetting>
{
    public void Configure(EntityTypeBuilder<ForgeStatusSetting> builder)
    {
        builder.ToTable("forge_status_settings");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.HasOne<Project>().WithMany().HasForeignKey(s => s.ProjectId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => s.ProjectId).IsUnique();
        builder.Property(s => s.ApiUrl).HasMaxLength(ForgeStatusSetting.MaxApiUrlLength);
        builder.Property(s => s.TokenSecret).HasMaxLength(128).IsRequired();
        builder.Property(s => s.Repository).HasMaxLength(ForgeStatusSetting.MaxRepositoryLength);
        builder.Property(s => s.UpdatedBy).HasMaxLength(255);
    }
}
