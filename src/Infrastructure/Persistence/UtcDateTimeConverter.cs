using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Comet.Infrastructure.Persistence;

/// <summary>
/// All times are UTC. SQLite hands DateTime back with Kind=Unspecified and PostgreSQL's timestamptz
/// refuses anything but Kind=Utc, so the kind is fixed on the way in and on the way out.
/// </summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
