using System.Globalization;
using System.Text;
using System.Xml;

namespace Comet.Application.TestReports;

/// <summary>
/// Reads JUnit XML (its real-world variants: a testsuites or bare testsuite root, nested suites, failure / error /
/// skipped, system-out / system-err, Surefire's flaky and rerun markers), NUnit 3 results and Visual Studio TRX, the
/// format recognised from the root element. A streaming XmlReader with DTD processing off: an entity-expansion or
/// XXE attempt is refused, and memory stays bounded however big the file: texts are cut, and <see cref="Read"/> hands
/// the cases out one at a time for the caller to store as they come (only TRX, whose class names follow its results,
/// holds its cases until the end). A broken file gives what was read before the break plus a warning; it never throws.
/// </summary>
public static class TestReportParser
{
    public const int MaxTextLength = 4096;
    public const int MaxCases = 200_000;

    /// <summary>The whole report at once: for small files and tests. Jobs use <see cref="Read"/>.</summary>
    public static TestReport Parse(Stream stream, string fileName)
    {
        var reading = Read(stream, fileName);
        var cases = reading.Cases().ToList();
        return new TestReport(reading.Format, reading.Suites, cases, reading.Warnings);
    }

    /// <summary>A report read as it is enumerated; its format, suites and warnings are complete once the cases are.</summary>
    public static TestReportReading Read(Stream stream, string fileName) => new(stream, fileName);

    /// <summary>"1.5", "1,234.5" (jest), "12" or missing; never throws.</summary>
    internal static TimeSpan? Seconds(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        return double.TryParse(text.Replace(",", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < 1e7
            ? TimeSpan.FromSeconds(seconds) : null;
    }

    /// <summary>TRX durations: "00:00:01.2340000".</summary>
    internal static TimeSpan? Clock(string? text) =>
        TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span : null;

    internal static string? Cut(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        text = text.Trim();
        if (text.Length <= MaxTextLength) return text;
        var keep = WholeCharacters(text, MaxTextLength);
        return text[..keep] + $"… ({text.Length - keep} more characters)";
    }

    /// <summary>
    /// How many of the first <paramref name="length"/> UTF-16 units of <paramref name="text"/> to keep so that no
    /// surrogate pair (an emoji, say) is cut in half: half a character is not valid UTF-16, PostgreSQL's UTF-8
    /// encoding refuses it (and with it the whole report) and SQLite stores a replacement character.
    /// </summary>
    internal static int WholeCharacters(ReadOnlySpan<char> text, int length) =>
        length > 0 && length < text.Length && char.IsHighSurrogate(text[length - 1]) ? length - 1 : Math.Min(length, text.Length);

    /// <summary>
    /// Reads an element's text, keeping at most <see cref="MaxTextLength"/> characters in memory: text nodes are read
    /// in chunks, so a 100 MB system-out never becomes one string.
    /// </summary>
    internal static string? ReadBoundedText(XmlReader reader)
    {
        if (reader.IsEmptyElement) return null;
        var depth = reader.Depth;
        var text = new StringBuilder();
        var dropped = 0L;
        var chunk = new char[8192];
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType is not (XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace))
            {
                reader.Read();
                continue;
            }
            if (!reader.CanReadValueChunk)
            {
                Keep(reader.Value.AsSpan());
                reader.Read();
                continue;
            }
            int read;
            while ((read = reader.ReadValueChunk(chunk, 0, chunk.Length)) > 0) Keep(chunk.AsSpan(0, read));
            reader.Read();
        }
        var kept = text.ToString().Trim();
        return kept.Length == 0 ? null : dropped > 0 ? kept + $"… ({dropped} more characters)" : kept;

        void Keep(ReadOnlySpan<char> value)
        {
            // Once something was dropped nothing after it is kept, and a surrogate pair is kept whole or not at all.
            var take = dropped > 0 ? 0 : WholeCharacters(value, Math.Max(0, MaxTextLength - text.Length));
            text.Append(value[..take]);
            dropped += value.Length - take;
        }
    }

    /// <summary>
    /// The message, stack trace and output found anywhere inside the current element (NUnit and TRX nest them at
    /// different depths); leaves the reader on the element's end.
    /// </summary>
    internal static (string? Message, string? Stack, string? Output) ReadFailureTexts(XmlReader reader, string messageElement,
        string stackElement, string outputElement)
    {
        string? message = null, stack = null, output = null;
        if (reader.IsEmptyElement) return (message, stack, output);
        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                var name = reader.LocalName;
                if (name == messageElement) message ??= Cut(ReadBoundedText(reader));
                else if (name == stackElement) stack ??= ReadBoundedText(reader);
                else if (name == outputElement) output = ReadBoundedText(reader);
            }
            reader.Read();
        }
        return (message, stack, output);
    }

    internal static string Join(string? first, string? second) =>
        string.Join("\n", new[] { first, second }.Where(s => !string.IsNullOrWhiteSpace(s)));
}
