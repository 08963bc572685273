using System.Globalization;
using System.Text;
using System.Xml;

namespace Comet.Application.TestReports;

/// <summary>
/// Reads JUnit XML (its real-world variants: a testsuites or bare testsuite root, nested suites, failure / error /
/// skipped, system-out / system-err, Surefire's flaky and rerun markers), NUnit 3 results and Visual Studio TRX, the
/// format recognised from the root element. A streaming XmlReader with DTD processing off: an entity-expansion or
/// XXE attempt is refused, and memory stays bounded however big the file (texts are cut, cases capped). A broken file
/// gives what was read before the break plus a warning; it never throws.
/// </summary>
public static class TestReportParser
{
    public const int MaxTextLength = 4096;
    public const int MaxCases = 200_000;

    public static TestReport Parse(Stream stream, string fileName)
    {
        var state = new ParseState(fileName);
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = false,
        };
        string format = "unknown";
        try
        {
            using var reader = XmlReader.Create(stream, settings);
            if (reader.MoveToContent() != XmlNodeType.Element)
                return state.Finish(format, $"{fileName} has no XML root element.");
            format = reader.LocalName switch
            {
                "testsuites" or "testsuite" => "junit",
                "test-run" or "test-results" => "nunit",
                "TestRun" => "trx",
                var other => other,
            };
            switch (format)
            {
                case "junit": JUnit.Read(reader, state); break;
                case "nunit": NUnit.Read(reader, state); break;
                case "trx": Trx.Read(reader, state); break;
                default: return state.Finish("unknown", $"{fileName} is not a test report Comet knows (root element <{format}>; expected testsuites, testsuite, test-run or TestRun).");
            }
        }
        catch (XmlException ex)
        {
            var why = ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "it declares a DTD, which is refused (entity expansion and external entities are not read)"
                : $"it is not well-formed XML at line {ex.LineNumber}, position {ex.LinePosition}";
            return state.Finish(format, $"{fileName} was read only up to where {why}; {state.Cases.Count} test cases were kept.");
        }
        return state.Finish(format, null);
    }

    internal sealed class ParseState(string fileName)
    {
        public List<TestCaseResult> Cases { get; } = [];
        public List<string> Warnings { get; } = [];
        private bool _capped;

        public void Add(TestCaseResult result)
        {
            if (Cases.Count >= MaxCases)
            {
                if (!_capped) Warnings.Add($"{fileName} has more than {MaxCases} test cases; the rest were not kept.");
                _capped = true;
                return;
            }
            Cases.Add(result);
        }

        public TestReport Finish(string format, string? warning)
        {
            if (warning is not null) Warnings.Add(warning);
            var suites = Cases.GroupBy(c => c.Suite).Select(g => new TestSuiteTotals(g.Key, g.Count(),
                    g.Count(c => c.Outcome == TestOutcome.Failed), g.Count(c => c.Outcome == TestOutcome.Error),
                    g.Count(c => c.Outcome == TestOutcome.Skipped),
                    g.Any(c => c.Duration is not null) ? TimeSpan.FromTicks(g.Sum(c => c.Duration?.Ticks ?? 0)) : null))
                .ToList();
            return new TestReport(format, suites, Cases, Warnings);
        }
    }

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
        return text.Length <= MaxTextLength ? text : text[..MaxTextLength] + $"… ({text.Length - MaxTextLength} more characters)";
    }

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
            var room = Math.Max(0, MaxTextLength - text.Length);
            if (room > 0) text.Append(value[..Math.Min(room, value.Length)]);
            dropped += Math.Max(0, value.Length - room);
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
