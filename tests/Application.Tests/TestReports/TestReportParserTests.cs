using System.Text;
using Comet.Application.TestReports;

namespace Comet.Application.Tests.TestReports;

/// <summary>Real-world report files, odd cases included, read by the streaming parser.</summary>
public sealed class TestReportParserTests
{
    private static TestReport Parse(string xml, string file = "report.xml") =>
        TestReportParser.Parse(new MemoryStream(Encoding.UTF8.GetBytes(xml)), file);

    [Test]
    public void Pytest_junit_with_failures_errors_skips_and_output()
    {
        var report = Parse("""
            <?xml version="1.0" encoding="utf-8"?>
            <testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="4" time="0.123" timestamp="2026-11-22T06:00:00" hostname="ci">
              <testcase classname="tests.test_math" name="test_add" file="tests/test_math.py" line="3" time="0.001" />
              <testcase classname="tests.test_math" name="test_div" time="0.002"><failure message="ZeroDivisionError: division by zero">def test_div():
            &gt;       1 / 0
            E       ZeroDivisionError: division by zero</failure><system-out>dividing</system-out></testcase>
              <testcase classname="tests.test_io" name="test_read" time="0.010"><error message="failed on setup with &quot;FileNotFoundError&quot;">fixture missing</error></testcase>
              <testcase classname="tests.test_io" name="test_slow" time="0.000"><skipped type="pytest.skip" message="too slow">tests/test_io.py:9: too slow</skipped></testcase>
            </testsuite></testsuites>
            """);

        Assert.Multiple(() =>
        {
            Assert.That(report.Format, Is.EqualTo("junit"));
            Assert.That(report.Warnings, Is.Empty);
            Assert.That(report.Cases.Select(c => c.Outcome), Is.EqualTo(new[] { TestOutcome.Passed, TestOutcome.Failed, TestOutcome.Error, TestOutcome.Skipped }));
            Assert.That(report.Cases[1].Message, Is.EqualTo("ZeroDivisionError: division by zero"));
            Assert.That(report.Cases[1].Details, Does.Contain("1 / 0").And.Contain("dividing"));
            Assert.That(report.Cases[0].File, Is.EqualTo("tests/test_math.py"));
            Assert.That(report.Cases[2].Message, Is.EqualTo("failed on setup with \"FileNotFoundError\""));
            Assert.That(report.Suites.Single(), Is.EqualTo(new TestSuiteTotals("pytest", 4, 1, 1, 1, TimeSpan.FromSeconds(0.013))));
        });
    }

    [Test]
    public void A_bare_testsuite_root_with_missing_and_whole_second_times()
    {
        var report = Parse("""
            <testsuite name="go-junit-report" tests="2">
              <properties><property name="go.version" value="go1.22"/></properties>
              <testcase classname="pkg/api" name="TestHandler" time="2"></testcase>
              <testcase classname="pkg/api" name="TestNoTime"><failure message="Failed" type="">handler_test.go:12: expected 200, got 500</failure></testcase>
            </testsuite>
            """);

        Assert.That(report.Cases.Select(c => c.Duration), Is.EqualTo(new TimeSpan?[] { TimeSpan.FromSeconds(2), null }));
        Assert.That(report.Cases[1].Outcome, Is.EqualTo(TestOutcome.Failed));
        Assert.That(report.Cases.Select(c => c.Suite).Distinct(), Is.EqualTo(new[] { "go-junit-report" }));
    }

    [Test]
    public void Gradle_bare_testsuite_with_properties_cdata_output_and_a_stack_trace()
    {
        var report = Parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuite name="com.acme.billing.InvoiceTest" tests="3" skipped="1" failures="1" errors="0" timestamp="2026-11-22T06:10:03" hostname="ci" time="0.412">
              <properties/>
              <testcase name="totals add up()" classname="com.acme.billing.InvoiceTest" time="0.011"/>
              <testcase name="rounds half even()" classname="com.acme.billing.InvoiceTest" time="0.395">
                <failure message="org.opentest4j.AssertionFailedError: expected: &lt;10.02&gt; but was: &lt;10.03&gt;" type="org.opentest4j.AssertionFailedError">org.opentest4j.AssertionFailedError: expected: &lt;10.02&gt; but was: &lt;10.03&gt;
            	at app//org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)
            	at app//com.acme.billing.InvoiceTest.rounds half even(InvoiceTest.kt:31)
            </failure>
              </testcase>
              <testcase name="pdf export()" classname="com.acme.billing.InvoiceTest" time="0.0">
                <skipped/>
              </testcase>
              <system-out><![CDATA[10:03:01.112 [Test worker] INFO com.acme.billing - rounding mode HALF_EVEN
            ]]></system-out>
              <system-err><![CDATA[]]></system-err>
            </testsuite>
            """);

        Assert.Multiple(() =>
        {
            Assert.That(report.Warnings, Is.Empty);
            Assert.That(report.Cases.Select(c => (c.Name, c.Outcome)), Is.EqualTo(new[]
            {
                ("totals add up()", TestOutcome.Passed), ("rounds half even()", TestOutcome.Failed), ("pdf export()", TestOutcome.Skipped),
            }));
            Assert.That(report.Cases[1].Message, Is.EqualTo("org.opentest4j.AssertionFailedError: expected: <10.02> but was: <10.03>"));
            Assert.That(report.Cases[1].Details, Does.Contain("InvoiceTest.kt:31"));
            Assert.That(report.Suites.Single(), Is.EqualTo(new TestSuiteTotals("com.acme.billing.InvoiceTest", 3, 1, 0, 1, TimeSpan.FromSeconds(0.406))));
        });
    }

    [Test]
    public void Jest_junit_with_a_suite_per_file_and_failures_without_a_message_attribute()
    {
        var report = Parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="jest tests" tests="3" failures="1" errors="0" time="2.731">
              <testsuite name="cart" errors="0" failures="1" skipped="0" timestamp="2026-11-22T06:12:40" time="1.402" tests="2">
                <testcase classname="cart adds an item" name="cart adds an item" time="0.004" file="src/cart.test.js">
                </testcase>
                <testcase classname="cart applies a coupon" name="cart applies a coupon" time="0.019" file="src/cart.test.js">
                  <failure>Error: expect(received).toBe(expected) // Object.is equality

            Expected: 90
            Received: 100
                at Object.toBe (/builds/shop/src/cart.test.js:14:27)</failure>
                </testcase>
              </testsuite>
              <testsuite name="price formatting" errors="0" failures="0" skipped="0" timestamp="2026-11-22T06:12:41" time="0.31" tests="1">
                <testcase classname="price formatting shows cents" name="price formatting shows cents" time="0.001" file="src/price.test.js">
                </testcase>
              </testsuite>
            </testsuites>
            """);

        Assert.Multiple(() =>
        {
            Assert.That(report.Warnings, Is.Empty);
            Assert.That(report.Cases.Select(c => (c.Suite, c.File)), Is.EqualTo(new[]
            {
                ("cart", "src/cart.test.js"), ("cart", "src/cart.test.js"), ("price formatting", "src/price.test.js"),
            }));
            var failed = report.Cases.Single(c => c.Outcome == TestOutcome.Failed);
            Assert.That(failed.Message, Is.EqualTo("Error: expect(received).toBe(expected) // Object.is equality"), "the first line stands in for the missing attribute");
            Assert.That(failed.Details, Does.Contain("cart.test.js:14:27"));
        });
    }

    [Test]
    public void Nested_suites_give_each_case_its_innermost_suite()
    {
        var report = Parse("""
            <testsuites name="jest tests" tests="2" time="1,234.5">
              <testsuite name="outer">
                <testsuite name="outer.inner"><testcase classname="a" name="deep" time="0.5"/></testsuite>
                <testcase classname="b" name="shallow" time="0.25"/>
              </testsuite>
            </testsuites>
            """);

        Assert.That(report.Cases.Select(c => (c.Name, c.Suite)), Is.EqualTo(new[] { ("deep", "outer.inner"), ("shallow", "outer") }));
    }

    [Test]
    public void Surefire_flaky_and_rerun_markers()
    {
        var report = Parse("""
            <testsuite name="com.acme.ServiceTest" tests="2" failures="1">
              <testcase name="flaky" classname="com.acme.ServiceTest" time="0.3">
                <flakyFailure message="expected:&lt;1&gt; but was:&lt;2&gt;" type="java.lang.AssertionError"><stackTrace>at ServiceTest.flaky(ServiceTest.java:20)</stackTrace></flakyFailure>
              </testcase>
              <testcase name="broken" classname="com.acme.ServiceTest" time="0.1">
                <failure message="boom" type="java.lang.IllegalStateException">at ServiceTest.broken(ServiceTest.java:30)</failure>
                <rerunFailure message="boom again" type="java.lang.IllegalStateException">at ServiceTest.broken(ServiceTest.java:30)</rerunFailure>
              </testcase>
            </testsuite>
            """);

        Assert.Multiple(() =>
        {
            Assert.That(report.Cases[0].Outcome, Is.EqualTo(TestOutcome.Passed), "it passed on a rerun");
            Assert.That(report.Cases[0].Flaky, Is.True);
            Assert.That(report.Cases[1].Outcome, Is.EqualTo(TestOutcome.Failed));
            Assert.That(report.Cases[1].Flaky, Is.False, "failing on every rerun is not flaky");
            Assert.That(report.Cases[1].Message, Is.EqualTo("boom"));
        });
    }

    [Test]
    public void Unicode_names_survive()
    {
        var report = Parse("""<testsuite name="Ünïcødé ✓"><testcase classname="数学" name="加法 works 🚀" time="0.1"/></testsuite>""");

        Assert.That(report.Cases.Single().Name, Is.EqualTo("加法 works 🚀"));
        Assert.That(report.Cases.Single().Suite, Is.EqualTo("Ünïcødé ✓"));
    }

    [Test]
    public void An_entity_expansion_or_xxe_attempt_is_refused_with_a_warning_and_reads_no_file()
    {
        var report = Parse("""
            <?xml version="1.0"?>
            <!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;"><!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <testsuite name="evil"><testcase classname="x" name="&lol2;&xxe;"/></testsuite>
            """);

        Assert.That(report.Cases, Is.Empty);
        Assert.That(report.Warnings.Single(), Does.Contain("DTD"));
        Assert.That(string.Join(" ", report.Warnings), Does.Not.Contain("root:"));
    }

    [Test]
    public void A_truncated_file_keeps_what_was_read_and_warns()
    {
        var report = Parse("""
            <testsuite name="cut"><testcase classname="a" name="one" time="0.1"/><testcase classname="a" name="two" time="0.1"/><testcase classname="a" na
            """, "cut.xml");

        Assert.That(report.Cases.Select(c => c.Name), Is.EqualTo(new[] { "one", "two" }));
        Assert.That(report.Warnings.Single(), Does.Contain("cut.xml").And.Contain("not well-formed"));
    }

    [TestCase("")]
    [TestCase("not xml at all")]
    [TestCase("<coverage line-rate=\"0.5\"/>")]
    public void Something_that_is_not_a_test_report_gives_a_warning_not_an_exception(string content)
    {
        var report = Parse(content, "odd.xml");

        Assert.That(report.Cases, Is.Empty);
        Assert.That(report.Warnings, Has.Count.EqualTo(1));
        Assert.That(report.Warnings[0], Does.Contain("odd.xml"));
    }

    [Test]
    public void Long_failure_texts_are_cut()
    {
        var huge = new string('x', 100_000);
        var report = Parse($"""<testsuite name="s"><testcase classname="c" name="n"><failure message="m">{huge}</failure><system-out>{huge}</system-out></testcase></testsuite>""");

        Assert.That(report.Cases.Single().Details!.Length, Is.LessThan(TestReportParser.MaxTextLength + 100));
        Assert.That(report.Cases.Single().Details, Does.Contain("more characters"));
    }

    [Test]
    public void NUnit3_results_with_fixtures_failures_errors_and_ignored_tests()
    {
        var report = Parse("""
            <?xml version="1.0" encoding="utf-8" standalone="no"?>
            <test-run id="0" testcasecount="3" result="Failed" total="3" passed="1" failed="1" skipped="1" engine-version="3.16.3">
              <test-suite type="Assembly" name="Acme.Tests.dll" fullname="/src/Acme.Tests.dll">
                <test-suite type="TestFixture" name="MathTests" fullname="Acme.Tests.MathTests" classname="Acme.Tests.MathTests">
                  <test-case id="0-1001" name="Adds" fullname="Acme.Tests.MathTests.Adds" methodname="Adds" classname="Acme.Tests.MathTests" result="Passed" duration="0.012" />
                  <test-case id="0-1002" name="Divides" fullname="Acme.Tests.MathTests.Divides" classname="Acme.Tests.MathTests" result="Failed" duration="0.030">
                    <failure><message><![CDATA[  Expected: 2
              But was:  3]]></message><stack-trace><![CDATA[at Acme.Tests.MathTests.Divides() in MathTests.cs:line 20]]></stack-trace></failure>
                    <output><![CDATA[dividing]]></output>
                  </test-case>
                  <test-case id="0-1003" name="Crashes" classname="Acme.Tests.MathTests" result="Failed" label="Error" duration="0.001"><failure><message>System.NullReferenceException</message></failure></test-case>
                  <test-case id="0-1004" name="Later" classname="Acme.Tests.MathTests" result="Skipped" label="Ignored"><reason><message>not yet</message></reason></test-case>
                </test-suite>
              </test-suite>
            </test-run>
            """);

        Assert.Multiple(() =>
        {
            Assert.That(report.Format, Is.EqualTo("nunit"));
            Assert.That(report.Cases.Select(c => c.Outcome), Is.EqualTo(new[] { TestOutcome.Passed, TestOutcome.Failed, TestOutcome.Error, TestOutcome.Skipped }));
            Assert.That(report.Cases[1].Message, Does.StartWith("Expected: 2"));
            Assert.That(report.Cases[1].Details, Does.Contain("MathTests.cs:line 20").And.Contain("dividing"));
            Assert.That(report.Cases[3].Message, Is.EqualTo("not yet"));
            Assert.That(report.Cases.Select(c => c.Suite).Distinct(), Is.EqualTo(new[] { "Acme.Tests.MathTests" }));
        });
    }

    [Test]
    public void Trx_from_dotnet_test_with_class_names_from_the_definitions_after_the_results()
    {
        var report = Parse("""
            <?xml version="1.0" encoding="utf-8"?>
            <TestRun id="1" name="ci 2026-11-22" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
              <Results>
                <UnitTestResult executionId="e1" testId="t1" testName="Adds" computerName="ci" duration="00:00:00.0120000" outcome="Passed" testType="13cdc9d9" />
                <UnitTestResult executionId="e2" testId="t2" testName="Divides" computerName="ci" duration="00:00:00.0300000" outcome="Failed" testType="13cdc9d9">
                  <Output><StdOut>dividing</StdOut><ErrorInfo><Message>Assert.That(3, Is.EqualTo(2)) failed</Message><StackTrace>at MathTests.Divides() in MathTests.cs:line 20</StackTrace></ErrorInfo></Output>
                </UnitTestResult>
                <UnitTestResult executionId="e3" testId="t3" testName="Later" duration="00:00:00" outcome="NotExecuted" testType="13cdc9d9" />
              </Results>
              <TestDefinitions>
                <UnitTest name="Adds" storage="/src/acme.tests.dll" id="t1"><Execution id="e1" /><TestMethod codeBase="/src/Acme.Tests.dll" adapterTypeName="executor://nunit3testexecutor/" className="Acme.Tests.MathTests" name="Adds" /></UnitTest>
                <UnitTest name="Divides" storage="/src/acme.tests.dll" id="t2"><Execution id="e2" /><TestMethod codeBase="/src/Acme.Tests.dll" className="Acme.Tests.MathTests" name="Divides" /></UnitTest>
              </TestDefinitions>
            </TestRun>
            """);

        Assert.Multiple(() =>
        {
            Assert.That(report.Format, Is.EqualTo("trx"));
            Assert.That(report.Cases.Select(c => c.Outcome), Is.EqualTo(new[] { TestOutcome.Passed, TestOutcome.Failed, TestOutcome.Skipped }));
            Assert.That(report.Cases.Select(c => c.ClassName), Is.EqualTo(new[] { "Acme.Tests.MathTests", "Acme.Tests.MathTests", null }));
            Assert.That(report.Cases[1].Message, Is.EqualTo("Assert.That(3, Is.EqualTo(2)) failed"));
            Assert.That(report.Cases[1].Duration, Is.EqualTo(TimeSpan.FromMilliseconds(30)));
            Assert.That(report.Cases[1].Details, Does.Contain("line 20").And.Contain("dividing"));
        });
    }

    [Test]
    public void A_100_MB_report_is_read_with_bounded_memory()
    {
        // 100 MB of output inside one case: streamed through, never held whole. What the parser holds is measured
        // while it reads (a full collection every 10 MB leaves only live objects), so garbage not yet collected, and
        // whatever else the process allocates meanwhile, cannot make the figure wander.
        var megabyte = string.Concat(Enumerable.Range(0, 1024 * 1024).Select(i => (char)('a' + i % 26)));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var peakLive = before;
        var stream = new ChunkedReport("<testsuite name=\"big\"><testcase classname=\"c\" name=\"loud\" time=\"1\"><system-out>", i =>
            {
                if (i % 10 == 9) peakLive = Math.Max(peakLive, GC.GetTotalMemory(forceFullCollection: true));
                return megabyte;
            }, 100,
            "</system-out></testcase><testcase classname=\"c\" name=\"quiet\" time=\"0.1\"/></testsuite>");

        var report = TestReportParser.Parse(stream, "big.xml");

        Assert.That(report.Warnings, Is.Empty);
        Assert.That(report.Cases, Has.Count.EqualTo(2));
        Assert.That(peakLive - before, Is.LessThan(20 * 1024 * 1024), "memory held while reading grows far less than the file");
    }

    [Test]
    public void A_100_MB_report_of_a_hundred_thousand_failing_cases_is_handed_out_case_by_case_with_bounded_memory()
    {
        // Each case fails with a 1 KB stack trace: held as a list this would be hundreds of megabytes of strings.
        const int count = 100_000;
        var stack = new string('x', 1000);
        var stream = new ChunkedReport(
            "<testsuites><testsuite name=\"load\">",
            i => $"<testcase classname=\"load.Case{i % 100}\" name=\"case {i}\" time=\"0.001\"><failure message=\"boom {i}\">{stack}</failure></testcase>",
            count,
            "</testsuite></testsuites>");
        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0, seen = 0;

        var reading = TestReportParser.Read(stream, "load.xml");
        foreach (var result in reading.Cases())
        {
            if (++seen % 10_000 == 0) peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - before);
            Assert.That(result.Message, Is.EqualTo($"boom {seen - 1}"));
        }

        Assert.That(stream.BytesRead, Is.GreaterThan(100_000_000L), "the report really is over 100 MB");
        Assert.That(seen, Is.EqualTo(count));
        Assert.That(reading.Suites.Single(), Is.EqualTo(new TestSuiteTotals("load", count, count, 0, 0, TimeSpan.FromMilliseconds(count))));
        Assert.That(peak, Is.LessThan(20 * 1024 * 1024), "memory stays flat while the cases stream through");
    }

    /// <summary>A report made on the fly from a head, <c>count</c> generated bodies and a tail.</summary>
    private sealed class ChunkedReport(string head, Func<int, string> body, int count, string tail) : Stream
    {
        private byte[] _chunk = Encoding.UTF8.GetBytes(head);
        private int _offset;
        private int _next;
        private bool _tailSent;

        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int length)
        {
            while (_offset == _chunk.Length)
            {
                if (_next < count) _chunk = Encoding.UTF8.GetBytes(body(_next++));
                else if (!_tailSent) { _chunk = Encoding.UTF8.GetBytes(tail); _tailSent = true; }
                else return 0;
                _offset = 0;
            }
            var n = Math.Min(length, _chunk.Length - _offset);
            Array.Copy(_chunk, _offset, buffer, offset, n);
            _offset += n;
            BytesRead += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
