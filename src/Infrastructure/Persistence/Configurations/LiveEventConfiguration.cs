using Comet.Domain.Events;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Comet.Infrastructure.Persistence.Configurations;

internal sealed class LiveEventConfiguration : IEntityTypeConfiguration<LiveEvent>
{
    public void Configure(EntityTypeBuilder<LiveEvent> builder)
    {
        builder.ToTable("live_events");
        builder.HasKey(e => e.Id);
        // Identity (PostgreSQL) / AUTOINCREMENT (SQLite): an id is never given twice, even after the sweeper emptied the table.
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.Type).HasMaxLength(LiveEvent.MaxTypeLength).IsRequired();
        builder.Property(e => e.Data).IsRequired();
        builder.HasIndex(e => e.CreatedAt);
    }
}
