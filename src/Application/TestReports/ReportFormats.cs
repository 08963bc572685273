using System.Xml;
using static Comet.Application.TestReports.TestReportParser;

namespace Comet.Application.TestReports;

/// <summary>JUnit XML as pytest, jest-junit, go-junit-report, Gradle and Maven Surefire write it.</summary>
internal static class JUnit
{
    public static IEnumerable<TestCaseResult> Read(XmlReader reader)
    {
        var suites = new Stack<(string Name, int Depth)>();
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                switch (reader.LocalName)
                {
                    case "testsuite":
                        var name = reader.GetAttribute("name") is { Length: > 0 } n ? n : suites.TryPeek(out var parent) ? parent.Name : "(unnamed suite)";
                        if (!reader.IsEmptyElement) suites.Push((name, reader.Depth));
                        reader.Read();
                        continue;
                    case "testcase":
                        // Handed out before reading on: a file cut right after this case still has it.
                        yield return ReadCase(reader, suites.TryPeek(out var suite) ? suite.Name : null);
                        reader.Read();
                        continue;
                    case "properties":
                        reader.Skip();
                        continue;
                }
            }
            else if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "testsuite" && suites.Count > 0)
                suites.Pop();
            reader.Read();
        }
    }

    private static TestCaseResult ReadCase(XmlReader reader, string? suite)
    {
        var name = reader.GetAttribute("name") ?? "(unnamed test)";
        var className = reader.GetAttribute("classname");
        var file = reader.GetAttribute("file");
        var duration = Seconds(reader.GetAttribute("time"));
        var outcome = TestOutcome.Passed;
        string? message = null, details = null, output = null;
        var flaky = false;
        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    reader.Read();
                    continue;
                }
                var child = reader.LocalName;
                var childMessage = reader.GetAttribute("message");
                var text = ReadBoundedText(reader);
                switch (child)
                {
                    case "failure" or "rerunFailure" when outcome != TestOutcome.Error:
                        outcome = TestOutcome.Failed;
                        message ??= Cut(childMessage) ?? FirstLine(text);
                        details ??= text;
                        break;
                    case "error" or "rerunError":
                        outcome = TestOutcome.Error;
                        message ??= Cut(childMessage) ?? FirstLine(text);
                        details ??= text;
                        break;
                    case "skipped":
                        if (outcome == TestOutcome.Passed) outcome = TestOutcome.Skipped;
                        message ??= Cut(childMessage) ?? FirstLine(text);
                        break;
                    case "flakyFailure" or "flakyError":
                        flaky = true;
                        message ??= Cut(childMessage) ?? FirstLine(text);
                        details ??= text;
                        break;
                    case "system-out" or "system-err":
                        output = Cut(Join(output, text));
                        break;
                }
                reader.Read();
            }
        }
        return new TestCaseResult
        {
            Suite = suite ?? className ?? "(no suite)", ClassName = className, Name = name, File = file, Duration = duration,
            Outcome = outcome, Message = message, Details = Cut(Join(details, output)), Flaky = flaky,
        };
    }

    private static string? FirstLine(string? text) => text?.Split('\n', 2)[0].Trim() is { Length: > 0 } line ? Cut(line) : null;
}

/// <summary>NUnit 3 result XML (test-run) and NUnit 2 (test-results).</summary>
internal static class NUnit
{
    public static IEnumerable<TestCaseResult> Read(XmlReader reader)
    {
        var fixtures = new Stack<(string Name, int Depth)>();
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName is "test-suite" && !reader.IsEmptyElement)
            {
                fixtures.Push((reader.GetAttribute("fullname") ?? reader.GetAttribute("name") ?? "(unnamed suite)", reader.Depth));
                reader.Read();
                continue;
            }
            if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "test-suite" && fixtures.Count > 0)
                fixtures.Pop();
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "test-case")
            {
                yield return ReadCase(reader, fixtures.TryPeek(out var fixture) ? fixture.Name : "(no suite)");
                reader.Read();
                continue;
            }
            reader.Read();
        }
    }

    private static TestCaseResult ReadCase(XmlReader reader, string suite)
    {
        var name = reader.GetAttribute("name") ?? "(unnamed test)";
        var className = reader.GetAttribute("classname");
        var result = reader.GetAttribute("result") ?? "";
        var label = reader.GetAttribute("label") ?? "";
        var executed = reader.GetAttribute("executed");
        var duration = Seconds(reader.GetAttribute("duration") ?? reader.GetAttribute("time"));
        var outcome = (result, label) switch
        {
            ("Failed", "Error" or "Invalid" or "Cancelled") => TestOutcome.Error,
            ("Failed" or "Failure", _) => TestOutcome.Failed,
            ("Error", _) => TestOutcome.Error,
            ("Skipped" or "Ignored" or "Inconclusive" or "NotRunnable", _) => TestOutcome.Skipped,
            _ when executed == "False" => TestOutcome.Skipped,
            _ => TestOutcome.Passed,
        };
        var (message, stack, output) = ReadFailureTexts(reader, "message", "stack-trace", "output");
        return new TestCaseResult
        {
            Suite = className ?? suite, ClassName = className, Name = name, Duration = duration, Outcome = outcome,
            Message = message, Details = Cut(Join(stack, output)),
        };
    }
}

/// <summary>
/// Visual Studio TRX, as `dotnet test --logger trx` writes it. Results come before the definitions that name their
/// classes, so they are held (in <see cref="Held"/>, where a reader that meets a broken file still finds them) and
/// handed out at the end with their class names.
/// </summary>
internal sealed class Trx
{
    public List<(TestCaseResult Result, string? TestId)> Held { get; } = [];

    private readonly Dictionary<string, string> _classes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Set when there were more results than <see cref="TestReportParser.MaxCases"/>; the rest were skipped.</summary>
    public bool Capped { get; private set; }

    public void Read(XmlReader reader)
    {
        string? definitionId = null;
        while (!reader.EOF)
        {
            if (reader.NodeType == XmlNodeType.Element)
            {
                switch (reader.LocalName)
                {
                    case "UnitTestResult" when Held.Count >= MaxCases:
                        Capped = true;
                        reader.Skip(); // read on anyway: the class names come after the results
                        continue;
                    case "UnitTestResult":
                        var testId = reader.GetAttribute("testId");
                        Held.Add((ReadResult(reader), testId));
                        reader.Read();
                        continue;
                    case "UnitTest":
                        definitionId = reader.GetAttribute("id");
                        break;
                    case "TestMethod" when definitionId is not null && reader.GetAttribute("className") is { } className:
                        _classes[definitionId] = className.Split(',')[0].Trim();
                        break;
                }
            }
            reader.Read();
        }
    }

    /// <summary>The held results, with the class names the definitions gave (those read so far, for a broken file).</summary>
    public IEnumerable<TestCaseResult> Named() =>
        Held.Select(held => held.TestId is not null && _classes.TryGetValue(held.TestId, out var className)
            ? held.Result with { ClassName = className, Suite = className }
            : held.Result);

    private static TestCaseResult ReadResult(XmlReader reader)
    {
        var name = reader.GetAttribute("testName") ?? "(unnamed test)";
        var outcome = reader.GetAttribute("outcome") switch
        {
            "Passed" or "PassedButRunAborted" => TestOutcome.Passed,
            "NotExecuted" or "Inconclusive" or "NotRunnable" or "Pending" or "Disconnected" => TestOutcome.Skipped,
            "Error" or "Timeout" or "Aborted" => TestOutcome.Error,
            _ => TestOutcome.Failed,
        };
        var duration = Clock(reader.GetAttribute("duration"));
        var (message, stack, output) = ReadFailureTexts(reader, "Message", "StackTrace", "StdOut");
        return new TestCaseResult
        {
            Suite = "(no class)", Name = name, Duration = duration, Outcome = outcome, Message = message, Details = Cut(Join(stack, output)),
        };
    }
}
