using System.Globalization;
using System.Text.RegularExpressions;

namespace Comet.Gateway.RateLimiting;

/// <summary>A route's RateLimitOptions: <see cref="Limit"/> requests per client in a fixed window of <see cref="Period"/>.</summary>
public sealed partial class RateLimitRule
{
    public required string PeriodText { get; init; }
    public required TimeSpan Period { get; init; }
    public required long Limit { get; init; }

    /// <summary>PeriodTimespan: once over the limit, the client is refused this long (zero: until the window ends).</summary>
    public required TimeSpan Ban { get; init; }

    public required IReadOnlySet<string> Whitelist { get; init; }

    /// <summary>The longest Period or PeriodTimespan: window ends stay far from DateTimeOffset's end (year 9999).</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(3650);

    /// <summary>Parses Ocelot's period notation: a number and ms, s, m, h or d ("1s", "5m", "1h", "1d").</summary>
    public static TimeSpan ParsePeriod(string? text)
    {
        var match = PeriodPattern().Match(text ?? "");
        if (!match.Success)
            throw new FormatException($"'{text}' is not a period; write a number and ms, s, m, h or d, like 1s, 5m, 1h or 1d.");
        var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var milliseconds = amount * match.Groups[2].Value switch
        {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => 86_400_000,
        };
        if (milliseconds < 1) throw new FormatException($"'{text}' is shorter than a millisecond.");
        if (milliseconds > MaxPeriod.TotalMilliseconds) throw new FormatException($"'{text}' is longer than {MaxPeriod.TotalDays:0}d.");
        return TimeSpan.FromMilliseconds(milliseconds);
    }

    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$")]
    private static partial Regex PeriodPattern();
}

/// <summary>GlobalConfiguration.RateLimitOptions: how every route's refusals look.</summary>
public sealed class RateLimitAnswer
{
    public const string DefaultQuotaMessage = "API calls quota exceeded! maximum admitted {0} per {1}.";

    public string QuotaExceededMessage { get; init; } = DefaultQuotaMessage;
    public int StatusCode { get; init; } = StatusCodes.Status429TooManyRequests;
    public string ClientIdHeader { get; init; } = "ClientId";
    public bool DisableRateLimitHeaders { get; init; }

    /// <summary>The message with Ocelot's {0} (limit) and {1} (period) filled in.</summary>
    public string MessageFor(RateLimitRule rule) =>
        string.Format(CultureInfo.InvariantCulture, QuotaExceededMessage, rule.Limit, rule.PeriodText);
}
