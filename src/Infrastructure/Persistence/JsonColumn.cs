using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Comet.Infrastructure.Persistence;

/// <summary>
/// Small collections read and written with their row, never queried alone, stored as one JSON text column
/// (the same on SQLite and PostgreSQL).
/// </summary>
internal static class JsonColumn
{
    public static PropertyBuilder<List<string>> AsJson(this PropertyBuilder<List<string>> property) =>
        property.HasConversion(
            v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
            v => JsonSerializer.Deserialize<List<string>>(v, (JsonSerializerOptions?)null) ?? new List<string>(),
            new ValueComparer<List<string>>(
                (a, b) => a!.SequenceEqual(b!),
                v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s)),
                v => v.ToList()));

    public static PropertyBuilder<Dictionary<string, string>> AsJson(this PropertyBuilder<Dictionary<string, string>> property) =>
        property.HasConversion(
            v => JsonSerializer.Serialize(v, (JsonSerializerOptions?)null),
            v => JsonSerializer.Deserialize<Dictionary<string, string>>(v, (JsonSerializerOptions?)null) ?? new Dictionary<string, string>(),
            new ValueComparer<Dictionary<string, string>>(
                (a, b) => a!.Count == b!.Count && !a.Except(b).Any(),
                v => v.Aggregate(0, (h, p) => HashCode.Combine(h, p.Key, p.Value)),
                v => new Dictionary<string, string>(v)));

    /// <summary>A list of small records (compared by their JSON, which is what is stored).</summary>
    public static PropertyBuilder<List<T>> AsJsonList<T>(this PropertyBuilder<List<T>> property) =>
        property.HasConversion(
            v => JsonSerializer.Serialize(v, Web),
            v => JsonSerializer.Deserialize<List<T>>(v, Web) ?? new List<T>(),
            new ValueComparer<List<T>>(
                (a, b) => JsonSerializer.Serialize(a, Web) == JsonSerializer.Serialize(b, Web),
                v => JsonSerializer.Serialize(v, Web).GetHashCode(),
                v => v.ToList()));

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
