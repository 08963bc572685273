using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Comet.Application.Secrets;

/// <summary>
/// Replaces a job's secret values in its log with <c>***</c>, in the forms a step is likely to print them: the raw
/// value; each line of a multi-line value (lines under four characters are left alone, or every "{" and "end" would
/// be masked); base64 (standard, URL-safe, with or without padding, and the part of it that stays the same when the
/// value sits at byte offset 0, 1 or 2 of a longer base64 text); URL-encoded (upper- and lower-case hex, '/' kept or
/// escaped, spaces as %20 or +); and JSON-escaped (as System.Text.Json, jq and Python write it). No form holds a line
/// break (multi-line values are masked line by line), so a line can be masked on its own.
/// </summary>
public sealed partial class SecretMasker
{
    public const string Mask = "***";
    public const int MinLineLength = 4;

    /// <summary>Derived forms shorter than this would mask ordinary text; the raw value is masked at any length.</summary>
    private const int MinDerivedLength = 4;

    private readonly string[] _forms;

    private SecretMasker(IEnumerable<string> forms)
    {
        _forms = forms.Where(f => f.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(f => f.Length).ThenBy(f => f, StringComparer.Ordinal).ToArray();
        LongestForm = _forms.Length == 0 ? 0 : _forms[0].Length;
    }

    public static readonly SecretMasker None = new([]);

    public bool IsEmpty => _forms.Length == 0;

    /// <summary>The longest text that is masked: a stream keeps this much less one back until it knows what follows.</summary>
    public int LongestForm { get; }

    public static SecretMasker For(IEnumerable<string> values)
    {
        var forms = new List<string>();
        foreach (var value in values) AddForms(value, forms);
        return new SecretMasker(forms);
    }

    public string Apply(string text)
    {
        if (_forms.Length == 0 || text.Length == 0) return text;
        foreach (var form in _forms)
            if (text.Contains(form, StringComparison.Ordinal)) text = text.Replace(form, Mask, StringComparison.Ordinal);
        return text;
    }

    /// <summary>
    /// Where <paramref name="text"/> (a piece of a line that goes on) may be cut: everything before the cut can be masked
    /// and written now, while the rest is kept for the next piece. The kept part is at least the longest form less one
    /// character (so a form split across pieces is found whole) and never starts inside a form that is already there.
    /// </summary>
    public int SafeCut(string text)
    {
        var cut = Math.Max(0, text.Length - Math.Max(0, LongestForm - 1));
        bool moved;
        do
        {
            moved = false;
            foreach (var form in _forms)
            {
                var from = Math.Max(0, cut - form.Length + 1);
                var at = text.IndexOf(form, from, StringComparison.Ordinal);
                if (at >= 0 && at < cut && at + form.Length > cut)
                {
                    cut = at;
                    moved = true;
                }
            }
        }
        while (moved && cut > 0);
        return cut;
    }

    private static void AddForms(string value, List<string> forms)
    {
        if (value.Length == 0) return;
        var lines = value.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        if (lines.Length == 1) forms.Add(value);
        else forms.AddRange(lines.Where(l => l.Length >= MinLineLength));

        var derived = new List<string>();
        var bytes = Encoding.UTF8.GetBytes(value);
        foreach (var base64 in Base64Forms(bytes)) derived.Add(base64);
        foreach (var encoded in UrlForms(value)) derived.Add(encoded);
        foreach (var escaped in JsonForms(value)) derived.Add(escaped);
        forms.AddRange(derived.Where(f => f.Length >= MinDerivedLength && f != value && !f.Contains('\n')));
    }

    private static IEnumerable<string> Base64Forms(byte[] bytes)
    {
        var padded = Convert.ToBase64String(bytes);
        yield return padded;
        yield return padded.TrimEnd('=');
        yield return UrlSafe(padded);
        yield return UrlSafe(padded).TrimEnd('=');
        // Inside a longer base64 text the value's first and last characters mix with its neighbours' bits: only the
        // characters made of the value's bits alone are the same wherever the text around it, for each of the three offsets.
        for (var offset = 0; offset < 3; offset++)
        {
            var shifted = new byte[offset + bytes.Length + 2];
            bytes.CopyTo(shifted, offset);
            var encoded = Convert.ToBase64String(shifted);
            var first = (8 * offset + 5) / 6;                      // the first character whose 6 bits all come from the value
            var last = (8 * (offset + bytes.Length) - 6) / 6;       // the last such character
            if (last < first) continue;
            var stable = encoded[first..(last + 1)];
            yield return stable;
            yield return UrlSafe(stable);
        }
    }

    private static string UrlSafe(string base64) => base64.Replace('+', '-').Replace('/', '_');

    private static IEnumerable<string> UrlForms(string value)
    {
        var escaped = Uri.EscapeDataString(value);                 // RFC 3986: %20, '/' escaped, upper-case hex
        var slashKept = escaped.Replace("%2F", "/", StringComparison.Ordinal); // Python's quote() keeps '/'
        var form = WebUtility.UrlEncode(value);                    // HTML forms: spaces as '+'
        foreach (var text in new[] { escaped, slashKept, form })
        {
            yield return text;
            yield return LowerHex(text);
        }
    }

    private static string LowerHex(string text) => PercentHex().Replace(text, m => m.Value.ToLowerInvariant());

    private static IEnumerable<string> JsonForms(string value)
    {
        var relaxed = JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString(); // jq: non-ASCII kept
        var strict = JsonEncodedText.Encode(value).ToString();
        yield return relaxed;
        yield return strict;
        yield return LowerUnicodeEscapes(relaxed);
        yield return LowerUnicodeEscapes(strict);
        yield return AsciiOnlyJson(value); // Python's json.dumps: every non-ASCII character as \uxxxx, '/' kept
    }

    private static string LowerUnicodeEscapes(string text) => UnicodeEscape().Replace(text, m => m.Value.ToLowerInvariant());

    private static string AsciiOnlyJson(string value)
    {
        var builder = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7E) builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else builder.Append(c);
                    break;
            }
        }
        return builder.ToString();
    }

    [GeneratedRegex("%[0-9A-F]{2}")]
    private static partial Regex PercentHex();

    [GeneratedRegex(@"\\u[0-9A-F]{4}")]
    private static partial Regex UnicodeEscape();
}
