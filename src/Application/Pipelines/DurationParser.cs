namespace Comet.Application.Pipelines;

/// <summary>
/// Durations as pipeline files write them: <c>30s</c>, <c>10m</c>, <c>1h30m</c>, <c>2h</c>, <c>500ms</c>, <c>1d</c>;
/// parts from the largest unit to the smallest, each unit once, optionally separated by spaces (<c>1h 30m</c>).
/// A bare whole number means seconds.
/// </summary>
public static class DurationParser
{
    public const string Examples = "30s, 10m, 1h30m, 2h, 500ms, 1d or a number of seconds";

    private static readonly (string Suffix, long TicksPerUnit)[] Units =
    [
        ("d", TimeSpan.TicksPerDay),
        ("h", TimeSpan.TicksPerHour),
        ("ms", TimeSpan.TicksPerMillisecond), // before "m", so "500ms" is not read as minutes
        ("m", TimeSpan.TicksPerMinute),
        ("s", TimeSpan.TicksPerSecond),
    ];

    // Largest first: "1h30m" is fine, "30m1h" is a typo.
    private static readonly string[] Order = ["d", "h", "m", "s", "ms"];

    /// <summary>A duration for people, in the file's units: 2s, 10m, 1.5h.</summary>
    public static string Format(TimeSpan value) =>
        value.TotalHours >= 1 ? $"{value.TotalHours:0.#}h" : value.TotalMinutes >= 1 ? $"{value.TotalMinutes:0.#}m" : $"{value.TotalSeconds:0.#}s";

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        if (text is null) return false;
        var s = text.Trim();
        if (s.Length == 0) return false;

        try
        {
            if (s.All(char.IsAsciiDigit))
            {
                if (s.Length > 15) return false;
                value = TimeSpan.FromTicks(checked(long.Parse(s, System.Globalization.CultureInfo.InvariantCulture) * TimeSpan.TicksPerSecond));
                return true;
            }

            long ticks = 0;
            var lastRank = -1;
            var i = 0;
            while (i < s.Length)
            {
                if (lastRank >= 0)
                    while (i < s.Length && s[i] == ' ') i++;
                var digitsStart = i;
                while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                var digits = i - digitsStart;
                if (digits is 0 or > 15) return false;
                var number = long.Parse(s.AsSpan(digitsStart, digits), provider: System.Globalization.CultureInfo.InvariantCulture);

                var unit = Units.FirstOrDefault(u => string.CompareOrdinal(s, i, u.Suffix, 0, u.Suffix.Length) == 0);
                if (unit.Suffix is null) return false;
                i += unit.Suffix.Length;
                if (i < s.Length && char.IsAsciiLetter(s[i])) return false;

                var rank = Array.IndexOf(Order, unit.Suffix);
                if (rank <= lastRank) return false;
                lastRank = rank;
                ticks = checked(ticks + checked(number * unit.TicksPerUnit));
            }
            value = TimeSpan.FromTicks(ticks);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
