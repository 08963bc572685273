using System.Globalization;
using System.Text.Json;

namespace Comet.Application.Webhooks;

/// <summary>
/// Lenient reads from a webhook payload: forges (and their versions) disagree on whether an id is a number or a
/// string and which fields may be null or missing, so a field of the wrong kind reads as absent, never as an error.
/// </summary>
internal static class PayloadReader
{
    public static JsonElement? Obj(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object
            ? value
            : null;

    public static JsonElement? Array(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value
            : null;

    /// <summary>A string, or a number or boolean as written ("id": 123 reads as "123"). Empty strings read as null.</summary>
    public static string? Str(this JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value))
            return null;
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        };
        return string.IsNullOrEmpty(text) ? null : text;
    }

    public static long? Long(this JsonElement element, string name) =>
        long.TryParse(element.Str(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;

    public static bool Bool(this JsonElement element, string name) =>
        element.Str(name) is { } text && (text.Equals("true", StringComparison.OrdinalIgnoreCase) || text == "1");

    /// <summary>The values of the named properties that hold strings, in order, without repeats.</summary>
    public static List<string> Urls(this JsonElement? element, params ReadOnlySpan<string> names)
    {
        var urls = new List<string>();
        if (element is not { } obj)
            return urls;
        foreach (var name in names)
        {
            if (obj.Str(name) is { } url && !string.IsNullOrWhiteSpace(url) && !urls.Contains(url))
                urls.Add(url);
        }
        return urls;
    }

    public static IReadOnlyList<string> Distinct(params IEnumerable<string>[] lists) =>
        lists.SelectMany(list => list).Distinct(StringComparer.Ordinal).ToArray();
}
