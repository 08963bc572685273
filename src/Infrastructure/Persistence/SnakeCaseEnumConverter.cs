using Comet.Domain.Common;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Comet.Infrastructure.Persistence;

/// <summary>Stores an enum as its lowercase snake_case name ("waiting_for_approval"), as the API shows it.</summary>
public sealed class SnakeCaseEnumConverter<TEnum>() : ValueConverter<TEnum, string>(v => ToName(v), v => FromName(v))
    where TEnum : struct, Enum
{
    private static readonly Dictionary<TEnum, string> Names = Enum.GetValues<TEnum>().ToDictionary(v => v, StatusName.Of);
    private static readonly Dictionary<string, TEnum> Values = Names.ToDictionary(p => p.Value, p => p.Key);

    private static string ToName(TEnum value) => Names[value];

    private static TEnum FromName(string name) =>
        Values.TryGetValue(name, out var value)
            ? value
            : throw new InvalidOperationException($"'{name}' is not a known {typeof(TEnum).Name} in the database.");
}
