using Comet.Domain.Projects;
using Comet.Domain.Schedules;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Comet.Infrastructure.Persistence.Configurations;

internal sealed class ScheduleConfiguration : IEntityTypeConfiguration<Schedule>
{
    public void Configure(EntityTypeBuilder<Schedule> builder)
    {
        builder.ToTable("schedules");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        // Deleting a project deletes its schedules (and, through them, their slots).
        builder.HasOne<Project>().WithMany().HasForeignKey(s => s.ProjectId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(s => s.Name).HasMaxLength(Schedule.MaxNameLength).IsRequired();
        builder.HasIndex(s => new { s.ProjectId, s.Name }).IsUnique();
        builder.Property(s => s.Cron).HasMaxLength(Schedule.MaxCronLength).IsRequired();
        builder.Property(s => s.TimeZone).HasMaxLength(Schedule.MaxTimeZoneLength).IsRequired();
        builder.Property(s => s.Branch).HasMaxLength(Application.Common.Git.GitRefName.MaxLength).IsRequired();
        builder.Property(s => s.Variables).AsJson().IsRequired();
        builder.Property(s => s.LastOutcome).HasConversion<SnakeCaseEnumConverter<ScheduleOutcome>>().HasMaxLength(32);
        builder.Property(s => s.LastOutcomeDetail).HasMaxLength(Schedule.MaxOutcomeDetailLength);
        // The scheduler reads the enabled ones every poll.
        builder.HasIndex(s => s.Enabled);
    }
}

internal sealed class ScheduleSlotConfiguration : IEntityTypeConfiguration<ScheduleSlot>
{
    public void Configure(EntityTypeBuilder<ScheduleSlot> builder)
    {
        builder.ToTable("schedule_slots");
        // The key is the claim: a second insert of the same (schedule, slot) fails on every database and every node.
        builder.HasKey(s => new { s.ScheduleId, s.SlotAt });
        builder.HasOne<Schedule>().WithMany().HasForeignKey(s => s.ScheduleId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(s => s.ClaimedBy).HasMaxLength(ScheduleSlot.MaxNodeLength).IsRequired();
        builder.Property(s => s.Outcome).HasConversion<SnakeCaseEnumConverter<ScheduleOutcome>>().HasMaxLength(32);
    }
}
