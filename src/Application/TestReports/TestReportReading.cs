using System.Xml;

namespace Comet.Application.TestReports;

/// <summary>
/// One pass over one report file. Enumerate <see cref="Cases"/> once; meanwhile suite totals are counted (from the
/// cases, never from the file's own attributes, which are often wrong or missing), and afterwards
/// <see cref="Format"/>, <see cref="Suites"/> and <see cref="Warnings"/> describe the whole file.
/// </summary>
public sealed class TestReportReading
{
    private readonly Stream _stream;
    private readonly string _fileName;
    private readonly Dictionary<string, SuiteCount> _suites = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];
    private bool _started;

    internal TestReportReading(Stream stream, string fileName)
    {
        _stream = stream;
        _fileName = fileName;
    }

    public string Format { get; private set; } = "unknown";

    public int CaseCount { get; private set; }

    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>In the order each suite's first case appeared.</summary>
    public IReadOnlyList<TestSuiteTotals> Suites => _suites.Values.OrderBy(s => s.Order)
        .Select(s => new TestSuiteTotals(s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, s.HasDuration ? TimeSpan.FromTicks(s.DurationTicks) : null))
        .ToList();

    public IEnumerable<TestCaseResult> Cases()
    {
        if (_started) throw new InvalidOperationException("A report is read once.");
        _started = true;

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = false,
        };
        using var reader = XmlReader.Create(_stream, settings);
        var root = Guard(() => reader.MoveToContent() == XmlNodeType.Element ? reader.LocalName : null, out var failed);
        if (failed) yield break;
        if (root is null)
        {
            _warnings.Add($"{_fileName} has no XML root element.");
            yield break;
        }

        Format = root switch
        {
            "testsuites" or "testsuite" => "junit",
            "test-run" or "test-results" => "nunit",
            "TestRun" => "trx",
            _ => "unknown",
        };
        switch (Format)
        {
            case "junit":
            case "nunit":
                using (var cases = (Format == "junit" ? JUnit.Read(reader) : NUnit.Read(reader)).GetEnumerator())
                {
                    while (Guard(cases.MoveNext, out _))
                    {
                        if (!Counted(cases.Current)) yield break;
                        yield return cases.Current;
                    }
                }
                break;
            case "trx":
                var trx = new Trx();
                Guard(() => { trx.Read(reader); return true; }, out _);
                if (trx.Capped) _warnings.Add(CapWarning);
                foreach (var result in trx.Named())
                {
                    if (!Counted(result)) yield break;
                    yield return result;
                }
                break;
            default:
                _warnings.Add($"{_fileName} is not a test report Comet knows (root element <{root}>; expected testsuites, testsuite, test-run or TestRun).");
                break;
        }
    }

    private string CapWarning => $"{_fileName} has more than {TestReportParser.MaxCases} test cases; the rest were not kept.";

    /// <summary>Counts a case into its suite; false (with a warning, once) past the cap.</summary>
    private bool Counted(TestCaseResult result)
    {
        if (CaseCount >= TestReportParser.MaxCases)
        {
            if (!_warnings.Contains(CapWarning)) _warnings.Add(CapWarning);
            return false;
        }
        CaseCount++;
        if (!_suites.TryGetValue(result.Suite, out var suite))
            _suites[result.Suite] = suite = new SuiteCount(result.Suite, _suites.Count);
        suite.Add(result);
        return true;
    }

    /// <summary>Runs one step of reading; a malformed or refused file ends the reading with a warning, never an exception.</summary>
    private T? Guard<T>(Func<T> step, out bool failed)
    {
        try
        {
            failed = false;
            return step();
        }
        catch (XmlException ex)
        {
            failed = true;
            var why = ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "it declares a DTD, which is refused (entity expansion and external entities are not read)"
                : $"it is not well-formed XML at line {ex.LineNumber}, position {ex.LinePosition}";
            _warnings.Add($"{_fileName} was read only up to where {why}; the test cases before that were kept.");
            return default;
        }
    }

    private sealed class SuiteCount(string name, int order)
    {
        public string Name { get; } = name;
        public int Order { get; } = order;
        public int Tests { get; private set; }
        public int Failures { get; private set; }
        public int Errors { get; private set; }
        public int Skipped { get; private set; }
        public long DurationTicks { get; private set; }
        public bool HasDuration { get; private set; }

        public void Add(TestCaseResult result)
        {
            Tests++;
            if (result.Outcome == TestOutcome.Failed) Failures++;
            if (result.Outcome == TestOutcome.Error) Errors++;
            if (result.Outcome == TestOutcome.Skipped) Skipped++;
            if (result.Duration is { } duration)
            {
                DurationTicks += duration.Ticks;
                HasDuration = true;
            }
        }
    }
}
