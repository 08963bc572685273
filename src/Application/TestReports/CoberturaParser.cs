using System.Globalization;
using System.Xml;

namespace Comet.Application.TestReports;

/// <summary>One source file's coverage, its classes merged.</summary>
public sealed record CoverageFile(string Path, int LinesCovered, int LinesValid, int BranchesCovered, int BranchesValid)
{
    public double? LineRate => LinesValid == 0 ? null : (double)LinesCovered / LinesValid;
    public double? BranchRate => BranchesValid == 0 ? null : (double)BranchesCovered / BranchesValid;
}

/// <summary>What one Cobertura file held: totals counted from its lines, per-file counts, and what could not be read.</summary>
public sealed record CoverageReport(int LinesCovered, int LinesValid, int BranchesCovered, int BranchesValid,
    IReadOnlyList<CoverageFile> Files, IReadOnlyList<string> Warnings)
{
    public double? LineRate => LinesValid == 0 ? null : (double)LinesCovered / LinesValid;
    public double? BranchRate => BranchesValid == 0 ? null : (double)BranchesCovered / BranchesValid;
}

/// <summary>
/// Reads Cobertura XML as coverage.py, coverlet, Istanbul (jest, nyc) and gcovr write it. Counts come from the
/// <c>&lt;line&gt;</c> elements, not the producer's own totals: a file split over several classes (coverlet, C++
/// templates) counts each line once, covered when any class hit it. A streaming XmlReader; memory holds only
/// line-number sets per file. A broken file gives what was read plus a warning; it never throws.
/// </summary>
public static class CoberturaParser
{
    public const int MaxFiles = 50_000;

    public static CoverageReport Parse(Stream stream, string fileName)
    {
        // Istanbul and gcovr start every file with <!DOCTYPE coverage SYSTEM "…coverage-04.dtd">, so a DTD cannot
        // be refused outright as in TestReportParser. Ignore skips it unread: nothing is fetched (no resolver),
        // no entity is declared, and a document that uses one (XXE, billion laughs) fails on the first reference.
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = false,
        };
        var state = new ParseState(fileName);
        try
        {
            using var reader = XmlReader.Create(stream, settings);
            if (reader.MoveToContent() != XmlNodeType.Element)
                return state.Finish($"{fileName} has no XML root element.");
            if (reader.LocalName != "coverage")
                return state.Finish($"{fileName} is not a Cobertura coverage report (root element <{reader.LocalName}>; expected coverage).");
            if (reader.GetAttribute("clover") is not null)
                return state.Finish($"{fileName} is a Clover coverage report, not Cobertura; write Cobertura XML instead.");
            state.ReadRootCounts(reader);
            Read(reader, state);
        }
        catch (XmlException ex)
        {
            var why = ex.Message.Contains("entity", StringComparison.OrdinalIgnoreCase) || ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "it uses an entity from a DTD, which is refused (entity expansion and external entities are not read)"
                : $"it is not well-formed XML at line {ex.LineNumber}, position {ex.LinePosition}";
            return state.Finish($"{fileName} was read only up to where {why}; {state.FileCount} files were kept.");
        }
        return state.Finish(null);
    }

    private static void Read(XmlReader reader, ParseState state)
    {
        // Lines are taken from a class's own <lines>; lines under <methods> only when the class has none of its own
        // (coverlet repeats them there; Istanbul adds function-declaration lines that are not statements).
        var classDepth = -1;
        var methodsDepth = -1;
        while (reader.Read())
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                switch (reader.LocalName)
                {
                    case "class":
                        state.BeginClass(reader.GetAttribute("filename"), reader.GetAttribute("name"));
                        if (reader.IsEmptyElement) state.EndClass();
                        else classDepth = reader.Depth;
                        break;
                    case "methods" when classDepth >= 0 && !reader.IsEmptyElement:
                        methodsDepth = reader.Depth;
                        break;
                    case "line" when classDepth >= 0:
                        state.Line(reader.GetAttribute("number"), reader.GetAttribute("hits"), reader.GetAttribute("branch"),
                            reader.GetAttribute("condition-coverage"), inMethod: methodsDepth >= 0);
                        break;
                }
            }
            else if (reader.NodeType == XmlNodeType.EndElement)
            {
                if (reader.Depth == methodsDepth) methodsDepth = -1;
                else if (reader.Depth == classDepth)
                {
                    state.EndClass();
                    classDepth = -1;
                }
            }
        }
    }

    private sealed class FileLines
    {
        public HashSet<int> Lines { get; } = [];
        public HashSet<int> Covered { get; } = [];

        /// <summary>Branch lines only: (covered, valid) from condition-coverage, the larger when classes disagree.</summary>
        public Dictionary<int, (int Covered, int Valid)> Branches { get; } = [];

        public void Add(int number, bool covered, (int Covered, int Valid)? branches)
        {
            Lines.Add(number);
            if (covered) Covered.Add(number);
            if (branches is not { } b) return;
            Branches[number] = Branches.TryGetValue(number, out var seen)
                ? (Math.Max(seen.Covered, b.Covered), Math.Max(seen.Valid, b.Valid))
                : b;
        }

        public CoverageFile ToFile(string path)
        {
            int branchesCovered = 0, branchesValid = 0;
            foreach (var (covered, valid) in Branches.Values)
            {
                branchesCovered += Math.Min(covered, valid);
                branchesValid += valid;
            }
            return new CoverageFile(path, Covered.Count, Lines.Count, branchesCovered, branchesValid);
        }
    }

    private sealed class ParseState(string fileName)
    {
        private readonly Dictionary<string, FileLines> _files = new(StringComparer.Ordinal);
        private readonly List<string> _warnings = [];
        private readonly List<(int Number, bool Covered, (int, int)? Branches)> _methodLines = [];
        private FileLines? _current;
        private bool _classHasOwnLines;
        private bool _capped;
        private bool _warnedNoFileName;
        private int _lineElements;
        private int _rootLinesCovered, _rootLinesValid, _rootBranchesCovered, _rootBranchesValid;

        public int FileCount => _files.Count;

        public void ReadRootCounts(XmlReader reader)
        {
            _rootLinesCovered = Count(reader.GetAttribute("lines-covered"));
            _rootLinesValid = Count(reader.GetAttribute("lines-valid"));
            _rootBranchesCovered = Count(reader.GetAttribute("branches-covered"));
            _rootBranchesValid = Count(reader.GetAttribute("branches-valid"));
        }

        public void BeginClass(string? filename, string? className)
        {
            _current = null;
            _classHasOwnLines = false;
            _methodLines.Clear();
            if (string.IsNullOrWhiteSpace(filename))
            {
                if (!_warnedNoFileName)
                    _warnings.Add($"{fileName} has a class without a filename ({className ?? "unnamed"}); its lines were not counted.");
                _warnedNoFileName = true;
                return;
            }
            var path = filename.Replace('\\', '/');
            if (_files.TryGetValue(path, out var existing))
            {
                _current = existing;
                return;
            }
            if (_files.Count >= MaxFiles)
            {
                if (!_capped) _warnings.Add($"{fileName} covers more than {MaxFiles} files; the rest were not counted.");
                _capped = true;
                return;
            }
            _files[path] = _current = new FileLines();
        }

        public void Line(string? number, string? hits, string? branch, string? conditionCoverage, bool inMethod)
        {
            _lineElements++;
            if (_current is null || !int.TryParse(number, NumberStyles.Integer, CultureInfo.InvariantCulture, out var line)) return;
            var covered = Hit(hits);
            (int, int)? branches = string.Equals(branch, "true", StringComparison.OrdinalIgnoreCase) ? Conditions(conditionCoverage) : null;
            if (inMethod)
            {
                if (!_classHasOwnLines) _methodLines.Add((line, covered, branches));
                return;
            }
            _classHasOwnLines = true;
            _methodLines.Clear();
            _current.Add(line, covered, branches);
        }

        public void EndClass()
        {
            if (_current is not null && !_classHasOwnLines)
                foreach (var (number, covered, branches) in _methodLines)
                    _current.Add(number, covered, branches);
            _methodLines.Clear();
            _current = null;
        }

        public CoverageReport Finish(string? warning)
        {
            EndClass(); // a file cut inside a class keeps that class's lines
            if (warning is not null) _warnings.Add(warning);
            var files = _files.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Value.ToFile(f.Key)).ToList();
            if (_lineElements == 0)
                return new CoverageReport(_rootLinesCovered, _rootLinesValid, _rootBranchesCovered, _rootBranchesValid, files, _warnings);
            long linesCovered = 0, linesValid = 0, branchesCovered = 0, branchesValid = 0;
            foreach (var file in files)
            {
                linesCovered += file.LinesCovered;
                linesValid += file.LinesValid;
                branchesCovered += file.BranchesCovered;
                branchesValid += file.BranchesValid;
            }
            return new CoverageReport(Clamp(linesCovered), Clamp(linesValid), Clamp(branchesCovered), Clamp(branchesValid), files, _warnings);
        }

        private static int Clamp(long value) => (int)Math.Min(value, int.MaxValue);
    }

    /// <summary>hits="3"; some producers write huge or fractional counts. Anything above zero is a hit.</summary>
    private static bool Hit(string? hits)
    {
        if (long.TryParse(hits, NumberStyles.Integer, CultureInfo.InvariantCulture, out var whole)) return whole > 0;
        return double.TryParse(hits, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0;
    }

    /// <summary>condition-coverage="50% (1/2)": covered and valid branches of the line.</summary>
    internal static (int Covered, int Valid)? Conditions(string? text)
    {
        if (text is null) return null;
        var open = text.IndexOf('(');
        var slash = text.IndexOf('/', open + 1);
        var close = text.IndexOf(')', slash + 1);
        if (open < 0 || slash < 0 || close < 0) return null;
        var span = text.AsSpan();
        return int.TryParse(span[(open + 1)..slash].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var covered)
            && int.TryParse(span[(slash + 1)..close].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var valid)
            && valid > 0 && covered <= valid
                ? (covered, valid)
                : null;
    }

    private static int Count(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && real >= 0 && real < int.MaxValue ? (int)real
        : 0;
}
