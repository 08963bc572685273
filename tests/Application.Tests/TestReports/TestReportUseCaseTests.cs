using System.Text;
using Comet.Application.Common.Exceptions;
using Comet.Application.Pipelines;
using Comet.Application.Projects.Commands;
using Comet.Application.TestReports;
using Comet.Application.TestReports.Queries;
using Comet.Domain.Artifacts;
using Comet.Domain.Projects;
using Comet.Domain.Runs;
using Comet.Domain.Testing;
using Comet.Infrastructure.Persistence;
using Comet.Application.Tests.Support;
using Comet.TestSupport;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Comet.Application.Tests.TestReports;

/// <summary>
/// Test reports and coverage through the collector and the queries, against a real database. Every test runs twice:
/// once on SQLite, once on PostgreSQL (ignored locally when COMET_TEST_POSTGRES is not set), so the queries' SQL is
/// checked on both.
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
public sealed class TestReportUseCaseTests(string providerName) : DatabaseWithWorkspaceTests(providerName, "comet-report-workspace")
{
    // ---------------------------------------------------------------- collecting reports

    private const string JUnitReport = """
        <?xml version="1.0" encoding="utf-8"?>
        <testsuites>
          <testsuite name="api" tests="99">
            <testcase classname="api.UsersTest" name="creates_a_user" time="0.25" file="tests/users_test.py"/>
            <testcase classname="api.UsersTest" name="rejects_a_duplicate" time="1.5">
              <failure message="expected 409, got 200">AssertionError: 200 != 409
        at users_test.py:12</failure>
              <system-out>request sent</system-out>
            </testcase>
            <testcase classname="api.UsersTest" name="talks_to_ldap" time="0.125">
              <error message="connection refused">ConnectionError: refused</error>
            </testcase>
          </testsuite>
          <testsuite name="util">
            <testcase classname="util.Strings" name="pads" time="0.5"/>
            <testcase classname="util.Strings" name="wraps">
              <skipped message="not on this platform"/>
            </testcase>
          </testsuite>
        </testsuites>
        """;

    private const string TrxReport = """
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun id="6c2b" name="ci" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
            <UnitTestResult testId="t1" testName="Adds" outcome="Passed" duration="00:00:00.0200000" />
            <UnitTestResult testId="t2" testName="Divides" outcome="Failed" duration="00:00:00.0100000">
              <Output>
                <ErrorInfo>
                  <Message>Expected 2 but was 3</Message>
                  <StackTrace>at Calc.Tests.MathTests.Divides()</StackTrace>
                </ErrorInfo>
              </Output>
            </UnitTestResult>
          </Results>
          <TestDefinitions>
            <UnitTest name="Adds" id="t1"><TestMethod className="Calc.Tests.MathTests, Calc.Tests" name="Adds" /></UnitTest>
            <UnitTest name="Divides" id="t2"><TestMethod className="Calc.Tests.MathTests, Calc.Tests" name="Divides" /></UnitTest>
          </TestDefinitions>
        </TestRun>
        """;

    private const string CoberturaReport = """
        <?xml version="1.0" ?>
        <coverage line-rate="0.1" branch-rate="0.1" lines-covered="1" lines-valid="99" version="7.4">
          <packages>
            <package name="calc">
              <classes>
                <class name="core.py" filename="calc/core.py">
                  <lines>
                    <line number="1" hits="1"/>
                    <line number="2" hits="3" branch="true" condition-coverage="50% (1/2)"/>
                    <line number="3" hits="0"/>
                    <line number="4" hits="1"/>
                  </lines>
                </class>
                <class name="io.py" filename="calc/io.py">
                  <lines>
                    <line number="1" hits="0"/>
                    <line number="2" hits="0"/>
                  </lines>
                </class>
              </classes>
            </package>
          </packages>
        </coverage>
        """;

    [Test]
    public async Task Collecting_stores_junit_and_trx_cases_their_suites_the_coverage_and_a_warning_per_missing_glob()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, "c0ffee", "main", ("test", 1));
        var job = run.Jobs.Single();
        Write("reports/junit.xml", JUnitReport);
        Write("reports/unit.trx", TrxReport);
        Write("coverage.xml", CoberturaReport);
        Write("reports/notes.txt", "not a report and not matched");

        await CollectReportsAsync(job.Id, new ReportDefinition(["reports/*.xml", "reports/*.trx", "missing/*.xml"], ["coverage.xml", "cov/*.xml"]));

        var cases = await Host.WithDbAsync(db => db.TestCases.AsNoTracking().Where(c => c.RunId == run.Id).ToListAsync());
        Assert.That(cases.Select(c => (c.Suite, c.ClassName, c.Name, c.Status, c.DurationMs)).OrderBy(c => c.Name, StringComparer.Ordinal), Is.EqualTo(new[]
        {
            ("Calc.Tests.MathTests", (string?)"Calc.Tests.MathTests", "Adds", TestStatus.Passed, (double?)20),
            ("Calc.Tests.MathTests", "Calc.Tests.MathTests", "Divides", TestStatus.Failed, 10),
            ("api", "api.UsersTest", "creates_a_user", TestStatus.Passed, 250),
            ("util", "util.Strings", "pads", TestStatus.Passed, 500),
            ("api", "api.UsersTest", "rejects_a_duplicate", TestStatus.Failed, 1500),
            ("api", "api.UsersTest", "talks_to_ldap", TestStatus.Error, 125),
            ("util", "util.Strings", "wraps", TestStatus.Skipped, null),
        }));

        var duplicate = cases.Single(c => c.Name == "rejects_a_duplicate");
        var divides = cases.Single(c => c.Name == "Divides");
        Assert.Multiple(() =>
        {
            Assert.That(duplicate.TestId, Is.EqualTo(TestIdentity.Of("test", "api", "api.UsersTest", "rejects_a_duplicate")));
            Assert.That(duplicate.TestId, Has.Length.EqualTo(16));
            Assert.That(duplicate.Message, Is.EqualTo("expected 409, got 200"));
            Assert.That(duplicate.Details, Is.EqualTo("AssertionError: 200 != 409\nat users_test.py:12\nrequest sent"));
            Assert.That(cases.Single(c => c.Name == "creates_a_user").File, Is.EqualTo("tests/users_test.py"));
            Assert.That(cases.Single(c => c.Name == "talks_to_ldap").Message, Is.EqualTo("connection refused"));
            Assert.That(cases.Single(c => c.Name == "wraps").Message, Is.EqualTo("not on this platform"));
            Assert.That(divides.Message, Is.EqualTo("Expected 2 but was 3"));
            Assert.That(divides.Details, Is.EqualTo("at Calc.Tests.MathTests.Divides()"));
            Assert.That(cases.Select(c => (c.ProjectId, c.JobId, c.JobName, c.Attempt, c.CommitSha, c.Branch, c.CreatedAt, c.Flaky)).Distinct(),
                Is.EqualTo(new[] { (project.Id, job.Id, "test", 1, (string?)"c0ffee", (string?)"main", T0, false) }));
            Assert.That(cases.Select(c => c.CreatedAt.Kind).Distinct(), Is.EqualTo(new[] { DateTimeKind.Utc }));
        });

        var suites = await Host.WithDbAsync(db => db.TestSuites.AsNoTracking().Where(s => s.RunId == run.Id).ToListAsync());
        Assert.That(suites.Select(s => (s.JobId, s.Name, s.Tests, s.Failures, s.Errors, s.Skipped, s.DurationMs)).OrderBy(s => s.Name, StringComparer.Ordinal),
            Is.EqualTo(new[]
            {
                (job.Id, "Calc.Tests.MathTests", 2, 1, 0, 0, (double?)30),
                (job.Id, "api", 3, 1, 1, 0, 1875),
                (job.Id, "util", 2, 0, 0, 1, 500),
            }), "suite totals are counted from the cases (the file's tests=\"99\" is ignored)");

        var coverage = await Host.WithDbAsync(db => db.Coverage.AsNoTracking().SingleAsync(c => c.RunId == run.Id));
        Assert.Multiple(() =>
        {
            Assert.That((coverage.ProjectId, coverage.JobId, coverage.JobName, coverage.Attempt, coverage.Branch, coverage.CommitSha, coverage.CreatedAt),
                Is.EqualTo((project.Id, job.Id, "test", 1, (string?)"main", (string?)"c0ffee", T0)));
            Assert.That((coverage.LinesCovered, coverage.LinesValid, coverage.BranchesCovered, coverage.BranchesValid), Is.EqualTo((3, 6, 1, 2)),
                "counted from the <line> elements, not the root's attributes");
            Assert.That(coverage.Files, Is.EqualTo(new[]
            {
                new CoverageFileEntry("calc/core.py", 3, 4, 1, 2),
                new CoverageFileEntry("calc/io.py", 0, 2, 0, 0),
            }));
        });

        var warnings = await Host.WithDbAsync(db => db.Jobs.AsNoTracking().Where(j => j.Id == job.Id).Select(j => j.Warnings).SingleAsync());
        Assert.That(warnings, Is.EqualTo(new[]
        {
            "reports: no file matched the junit report 'missing/*.xml'",
            "reports: no file matched the coverage report 'cov/*.xml'",
        }));

        var read = await Host.SendAsync(new GetRunTestsQuery(run.Id));
        Assert.Multiple(() =>
        {
            Assert.That(read.Totals, Is.EqualTo(new TestTotalsDto(7, 3, 2, 1, 1, 0, 2405)));
            Assert.That(read.Cases.Take(3).Select(c => c.Name), Is.EquivalentTo(new[] { "Divides", "rejects_a_duplicate", "talks_to_ldap" }));
            Assert.That(read.Cases.Last().Name, Is.EqualTo("wraps"), "skipped cases come last");
        });
    }

    [Test]
    public async Task A_report_bigger_than_one_batch_is_stored_whole_and_counted_by_the_database()
    {
        const int count = 5_000;
        var project = await AddProjectAsync("big");
        var run = await AddRunAsync(project, 1, "b16", "main", ("test", 1));
        var report = new StringBuilder("<testsuite name=\"bulk\">\n");
        for (var i = 0; i < count; i++)
            report.Append(i % 7 == 0
                ? $"<testcase classname=\"bulk.Cases\" name=\"case_{i:D4}\" time=\"0.002\"><failure message=\"case {i} failed\">trace {i}</failure></testcase>\n"
                : $"<testcase classname=\"bulk.Cases\" name=\"case_{i:D4}\" time=\"0.001\"/>\n");
        report.Append("</testsuite>\n");
        Write("reports/bulk.xml", report.ToString());

        await CollectReportsAsync(run.Jobs.Single().Id, new ReportDefinition(["reports/*.xml"], []));

        var failedCount = Enumerable.Range(0, count).Count(i => i % 7 == 0);
        var stored = await Host.WithDbAsync(async db => (
            Rows: await db.TestCases.CountAsync(c => c.RunId == run.Id),
            Failed: await db.TestCases.CountAsync(c => c.RunId == run.Id && c.Status == TestStatus.Failed),
            Ids: await db.TestCases.Where(c => c.RunId == run.Id).Select(c => c.TestId).Distinct().CountAsync(),
            Suite: await db.TestSuites.AsNoTracking().SingleAsync(s => s.RunId == run.Id)));
        Assert.Multiple(() =>
        {
            Assert.That(failedCount, Is.EqualTo(715));
            Assert.That(stored.Rows, Is.EqualTo(count), "every batch of 2000 and the remainder");
            Assert.That(stored.Failed, Is.EqualTo(failedCount));
            Assert.That(stored.Ids, Is.EqualTo(count));
            Assert.That((stored.Suite.Name, stored.Suite.Tests, stored.Suite.Failures), Is.EqualTo(("bulk", count, failedCount)));
        });

        var read = await Host.SendAsync(new GetRunTestsQuery(run.Id, Limit: 10));
        Assert.Multiple(() =>
        {
            Assert.That((read.Totals.Tests, read.Totals.Passed, read.Totals.Failed), Is.EqualTo((count, count - failedCount, failedCount)));
            Assert.That(read.Totals.DurationMs, Is.EqualTo(failedCount * 2 + (count - failedCount) * 1).Within(1e-6));
            Assert.That(read.Truncated, Is.True);
            Assert.That(read.Cases.Select(c => c.Name), Is.EqualTo(Enumerable.Range(0, 10).Select(i => $"case_{i * 7:D4}")));
            Assert.That(read.Cases.Select(c => c.Status).Distinct(), Is.EqualTo(new[] { TestStatus.Failed }));
        });
    }

    [Test]
    public async Task Names_longer_than_their_columns_do_not_lose_the_report()
    {
        // Parameterised tests (pytest ids, NUnit TestCase arguments) can have very long names. SQLite does not enforce
        // varchar lengths, PostgreSQL does: the report must be stored on both, not fail the job's database write.
        var project = await AddProjectAsync("long");
        var run = await AddRunAsync(project, 1, "abc", "main", ("test", 1));
        var longName = "test_param[" + new string('x', 3000) + "]";
        var longClass = "pkg." + new string('C', 1500);
        var longSuite = "suite-" + new string('s', 1100);
        var longFile = "tests/" + new string('f', 1100) + ".py";
        Write("reports/junit.xml", $"""
            <testsuite name="{longSuite}">
              <testcase classname="{longClass}" name="{longName}" file="{longFile}" time="1"><failure message="no"/></testcase>
              <testcase classname="pkg.Short" name="short" time="1"/>
            </testsuite>
            """);

        await CollectReportsAsync(run.Jobs.Single().Id, new ReportDefinition(["reports/junit.xml"], []));

        var cases = await Host.WithDbAsync(db => db.TestCases.AsNoTracking().Where(c => c.RunId == run.Id).OrderBy(c => c.Status).ToListAsync());
        var suites = await Host.WithDbAsync(db => db.TestSuites.AsNoTracking().Where(s => s.RunId == run.Id).ToListAsync());
        Assert.That(cases, Has.Count.EqualTo(2));
        var failed = cases.Single(c => c.Status == TestStatus.Failed);
        Assert.Multiple(() =>
        {
            Assert.That(cases.Single(c => c.Status == TestStatus.Passed).Name, Is.EqualTo("short"));
            Assert.That(failed.Name, Has.Length.InRange(100, 2048));
            Assert.That(longName, Does.StartWith(failed.Name.TrimEnd('…')[..100]));
            Assert.That(failed.ClassName, Has.Length.InRange(100, 1024));
            Assert.That(failed.Suite, Has.Length.InRange(100, 1024));
            Assert.That(failed.File, Has.Length.InRange(100, 1024));
            Assert.That(suites.Single().Name, Is.EqualTo(failed.Suite));
            Assert.That(suites.Single().Tests, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task A_broken_report_keeps_the_cases_before_the_break_and_several_coverage_files_add_up()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, "abc", "main", ("test", 1));
        Write("reports/broken.xml", """
            <testsuite name="cut">
              <testcase classname="k" name="before_the_break" time="0.5"/>
              <testcase classname="k" name="also_before" time="0.5"><failure message="f"/></testcase>
              <testcase classname="k" name="in the brea
            """);
        Write("reports/page.xml", "<html><body>not a report</body></html>");
        Write("cov/a.xml", """
            <coverage><packages><package><classes>
              <class filename="src/a.py"><lines><line number="1" hits="1"/><line number="2" hits="0"/></lines></class>
            </classes></package></packages></coverage>
            """);
        Write("cov/b.xml", """
            <coverage><packages><package><classes>
              <class filename="src/b.py"><lines><line number="1" hits="1" branch="true" condition-coverage="100% (2/2)"/></lines></class>
            </classes></package></packages></coverage>
            """);
        Write("cov/c.xml", "<coverage><packages><package><classes><class filename=\"src/c.py\"><lines><line number=\"1\" hits=\"1\"/>");

        await CollectReportsAsync(run.Jobs.Single().Id, new ReportDefinition(["reports/*.xml"], ["cov/*.xml"]));

        var cases = await Host.WithDbAsync(db => db.TestCases.AsNoTracking().Where(c => c.RunId == run.Id).Select(c => c.Name).ToListAsync());
        var coverage = await Host.WithDbAsync(db => db.Coverage.AsNoTracking().SingleAsync(c => c.RunId == run.Id));
        var warnings = await Host.WithDbAsync(db => db.Jobs.AsNoTracking().Where(j => j.Id == run.Jobs.Single().Id).Select(j => j.Warnings).SingleAsync());
        Assert.Multiple(() =>
        {
            Assert.That(cases, Is.EquivalentTo(new[] { "before_the_break", "also_before" }));
            Assert.That((coverage.LinesCovered, coverage.LinesValid, coverage.BranchesCovered, coverage.BranchesValid), Is.EqualTo((3, 4, 2, 2)),
                "a.xml, b.xml and what c.xml held before it was cut");
            Assert.That(coverage.Files.Select(f => f.Path), Is.EqualTo(new[] { "src/a.py", "src/b.py", "src/c.py" }));
            Assert.That(warnings, Has.Count.EqualTo(3));
            Assert.That(warnings[0], Does.StartWith("reports: reports/broken.xml was read only up to where it is not well-formed XML at line ")
                .And.EndWith("; the test cases before that were kept."));
            Assert.That(warnings[1], Is.EqualTo(
                "reports: reports/page.xml is not a test report Comet knows (root element <html>; expected testsuites, testsuite, test-run or TestRun)."));
            Assert.That(warnings[2], Does.StartWith("reports: cov/c.xml was read only up to where it is not well-formed XML").And.EndWith("; 1 files were kept."));
        });
    }

    [Test]
    public async Task Texts_cut_next_to_a_character_outside_the_basic_plane_are_stored_whole_on_every_database()
    {
        // Messages and details are cut at 4096 UTF-16 units. An emoji is two of them (a surrogate pair): cutting
        // between the two leaves half a character, which PostgreSQL's UTF-8 encoding refuses and SQLite replaces.
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, "abc", "main", ("test", 1));
        var text = new string('x', TestReportParser.MaxTextLength - 1) + "😀" + new string('y', 50);
        Write("reports/junit.xml", $"""
            <testsuite name="s">
              <testcase classname="k" name="emoji" time="1"><failure message="{text}">{text}</failure></testcase>
            </testsuite>
            """);

        await CollectReportsAsync(run.Jobs.Single().Id, new ReportDefinition(["reports/junit.xml"], []));

        var stored = await Host.WithDbAsync(db => db.TestCases.AsNoTracking().SingleAsync(c => c.RunId == run.Id));
        Assert.Multiple(() =>
        {
            foreach (var value in new[] { stored.Message!, stored.Details! })
            {
                Assert.That(value, Does.StartWith(new string('x', TestReportParser.MaxTextLength - 1)));
                Assert.That(value, Does.Not.Contain('\uFFFD'), "no replacement character");
                Assert.That(HasLoneSurrogate(value), Is.False, "no half character");
            }
        });
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(text[i])) return true;
        }
        return false;
    }

    // ---------------------------------------------------------------- a run's tests

    [Test]
    public async Task Run_tests_count_every_attempt_per_job_the_latest_for_the_run_and_list_failures_first()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, "c1", "main", ("test", 2), ("lint", 1));
        var other = await AddRunAsync(project, 2, "c2", "main", ("test", 1));
        var (test1, test2, lint1) = (run.Job("test", 1), run.Job("test", 2), run.Job("lint", 1));
        await Host.WithDbAsync(db =>
        {
            db.TestCases.AddRange(
                Case(run, test1, "adds", TestStatus.Passed, T0, 10, className: "pkg.Calc"),
                Case(run, test1, "divides", TestStatus.Failed, T0, 20, className: "pkg.Calc", message: "boom"),
                Case(run, test1, "rounds", TestStatus.Failed, T0, 30, className: "pkg.Calc"),
                Case(run, test2, "adds", TestStatus.Passed, T0, 11, className: "pkg.Calc"),
                Case(run, test2, "divides", TestStatus.Passed, T0, 21, className: "pkg.Calc"),
                Case(run, test2, "rounds", TestStatus.Passed, T0, 31, className: "pkg.Calc", flaky: true),
                Case(run, lint1, "format", TestStatus.Error, T0, 5, suite: "style", className: "pkg.Style", message: "crashed"),
                Case(run, lint1, "spelling", TestStatus.Skipped, T0, null, suite: "style", className: "pkg.Style"),
                Case(run, lint1, "imports", TestStatus.Passed, T0, 7, suite: "style", className: "pkg.Style"),
                Case(other, other.Job("test", 1), "adds", TestStatus.Failed, T0, 1000, className: "pkg.Calc"));
            db.TestSuites.AddRange(
                new TestSuiteRecord(run.Id, test1.Id, "suite", 3, 2, 0, 0, 60),
                new TestSuiteRecord(run.Id, test2.Id, "suite", 3, 0, 0, 0, 63),
                new TestSuiteRecord(run.Id, lint1.Id, "style", 3, 0, 1, 1, 12),
                new TestSuiteRecord(run.Id, lint1.Id, "extra", 0, 0, 0, 0, null));
            return db.SaveChangesAsync();
        });

        var all = await Host.SendAsync(new GetRunTestsQuery(run.Id));
        var cut = await Host.SendAsync(new GetRunTestsQuery(run.Id, Limit: 4));
        var exact = await Host.SendAsync(new GetRunTestsQuery(run.Id, Limit: 9));

        Assert.Multiple(() =>
        {
            Assert.That(all.RunId, Is.EqualTo(run.Id));
            // divides failed on attempt 1 and passed on the retry; rounds did too and was marked: both are flaky.
            Assert.That(all.Totals, Is.EqualTo(new TestTotalsDto(6, 4, 0, 1, 1, 2, 75)), "test's attempt 2 and lint's attempt 1");
            Assert.That(all.Jobs.Select(j => (j.JobId, j.JobName, j.Attempt, j.Totals)), Is.EqualTo(new[]
            {
                (lint1.Id, "lint", 1, new TestTotalsDto(3, 1, 0, 1, 1, 0, 12)),
                (test1.Id, "test", 1, new TestTotalsDto(3, 1, 2, 0, 0, 0, 60)),
                (test2.Id, "test", 2, new TestTotalsDto(3, 3, 0, 0, 0, 2, 63)),
            }));
            Assert.That(all.Jobs[0].Suites, Is.EqualTo(new[] { new TestSuiteDto("extra", 0, 0, 0, 0, null), new TestSuiteDto("style", 3, 0, 1, 1, 12) }));
            Assert.That(all.Jobs[1].Suites, Is.EqualTo(new[] { new TestSuiteDto("suite", 3, 2, 0, 0, 60) }));
            Assert.That(all.Cases.Select(c => (c.JobName, c.Attempt, c.Name, c.Status)), Is.EqualTo(new[]
            {
                ("lint", 1, "format", TestStatus.Error),
                ("test", 1, "divides", TestStatus.Failed),
                ("test", 1, "rounds", TestStatus.Failed),
                ("lint", 1, "imports", TestStatus.Passed),
                ("test", 1, "adds", TestStatus.Passed),
                ("test", 2, "adds", TestStatus.Passed),
                ("test", 2, "divides", TestStatus.Passed),
                ("test", 2, "rounds", TestStatus.Passed),
                ("lint", 1, "spelling", TestStatus.Skipped),
            }));
            Assert.That(all.Truncated, Is.False);
            Assert.That(all.Cases[1], Is.EqualTo(new TestCaseDto(TestIdentity.Of("test", "suite", "pkg.Calc", "divides"), test1.Id, "test", 1, "suite",
                "pkg.Calc", "divides", null, 20, TestStatus.Failed, "boom", null, false)));
            Assert.That(all.Cases.Single(c => c.Attempt == 2 && c.Name == "rounds").Flaky, Is.True);

            Assert.That(cut.Cases.Select(c => c.Name), Is.EqualTo(new[] { "format", "divides", "rounds", "imports" }));
            Assert.That(cut.Truncated, Is.True);
            Assert.That(cut.Totals, Is.EqualTo(all.Totals), "totals do not depend on the limit");
            Assert.That(exact.Cases, Has.Count.EqualTo(9));
            Assert.That(exact.Truncated, Is.False, "exactly as many cases as the limit is not truncated");
        });
    }

    [Test]
    public async Task Cases_without_a_class_are_ordered_the_same_on_every_database()
    {
        // JUnit files may leave out classname (and TRX results whose definitions are missing have none). The order of
        // the cases, and so which of them a limit keeps, must not depend on the database's NULL ordering.
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, "c1", "main", ("test", 1));
        var job = run.Job("test", 1);
        await Host.WithDbAsync(db =>
        {
            db.TestCases.AddRange(
                Case(run, job, "b", TestStatus.Failed, T0, 1, className: "K"),
                Case(run, job, "a", TestStatus.Failed, T0, 1, className: null),
                Case(run, job, "c", TestStatus.Failed, T0, 1, className: "A"));
            return db.SaveChangesAsync();
        });

        var read = await Host.SendAsync(new GetRunTestsQuery(run.Id, Limit: 2));

        Assert.That(read.Cases.Select(c => (c.ClassName, c.Name)), Is.EqualTo(new[] { ((string?)null, "a"), ("A", "c") }),
            "no class sorts first, as SQLite orders NULL");
    }

    [Test]
    public async Task Run_tests_of_an_unknown_run_are_not_found_and_a_run_without_reports_is_empty()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, "c1", "main", ("test", 1));
        var unknown = Guid.NewGuid();

        var ex = Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new GetRunTestsQuery(unknown)))!;
        var empty = await Host.SendAsync(new GetRunTestsQuery(run.Id));
        var invalid = Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(new GetRunTestsQuery(run.Id, Limit: 0)))!;

        Assert.Multiple(() =>
        {
            Assert.That((ex.Resource, ex.Key), Is.EqualTo(("run", unknown.ToString())));
            Assert.That((empty.Totals, empty.Jobs.Count, empty.Cases.Count, empty.Truncated), Is.EqualTo((TestTotalsDto.Empty, 0, 0, false)));
            Assert.That(invalid.Errors.Select(e => e.PropertyName), Is.EqualTo(new[] { "Limit" }));
        });
    }

    // ---------------------------------------------------------------- history, flaky, slowest

    [Test]
    public async Task History_lists_one_test_of_the_project_newest_first_up_to_the_limit()
    {
        var project = await AddProjectAsync("rocket");
        var elsewhere = await AddProjectAsync("elsewhere");
        var r1 = await AddRunAsync(project, 1, "c1", "main", ("test", 1));
        var r2 = await AddRunAsync(project, 2, "c2", "feature/x", ("test", 1));
        var r3 = await AddRunAsync(project, 3, "c3", "main", ("test", 2));
        var foreign = await AddRunAsync(elsewhere, 1, "f1", "main", ("test", 1));
        await Host.WithDbAsync(db =>
        {
            db.TestCases.AddRange(
                Case(r1, r1.Job("test", 1), "divides", TestStatus.Passed, T0.AddMinutes(1), 10),
                Case(r1, r1.Job("test", 1), "adds", TestStatus.Passed, T0.AddMinutes(1), 1),
                Case(r2, r2.Job("test", 1), "divides", TestStatus.Failed, T0.AddMinutes(2), 20, message: "boom"),
                Case(r3, r3.Job("test", 1), "divides", TestStatus.Error, T0.AddMinutes(3), 30, message: "crash"),
                Case(r3, r3.Job("test", 2), "divides", TestStatus.Passed, T0.AddMinutes(4), 40, flaky: true),
                // The same job, suite, class and name in another project: the same test id, not the same test.
                Case(foreign, foreign.Job("test", 1), "divides", TestStatus.Failed, T0.AddMinutes(9), 99));
            return db.SaveChangesAsync();
        });
        var testId = TestIdentity.Of("test", "suite", "pkg.Class", "divides");

        var history = await Host.SendAsync(new GetTestHistoryQuery("rocket", testId));
        var latestTwo = await Host.SendAsync(new GetTestHistoryQuery("rocket", testId, Limit: 2));

        Assert.Multiple(() =>
        {
            Assert.That((history.TestId, history.JobName, history.Suite, history.ClassName, history.Name),
                Is.EqualTo((testId, "test", "suite", (string?)"pkg.Class", "divides")));
            Assert.That(history.Results, Is.EqualTo(new[]
            {
                new TestResultDto(r3.Id, 3, r3.Job("test", 2).Id, 2, "c3", "main", TestStatus.Passed, 40, null, true, T0.AddMinutes(4)),
                new TestResultDto(r3.Id, 3, r3.Job("test", 1).Id, 1, "c3", "main", TestStatus.Error, 30, "crash", false, T0.AddMinutes(3)),
                new TestResultDto(r2.Id, 2, r2.Job("test", 1).Id, 1, "c2", "feature/x", TestStatus.Failed, 20, "boom", false, T0.AddMinutes(2)),
                new TestResultDto(r1.Id, 1, r1.Job("test", 1).Id, 1, "c1", "main", TestStatus.Passed, 10, null, false, T0.AddMinutes(1)),
            }));
            Assert.That(history.Results.Select(r => r.CreatedAt.Kind).Distinct(), Is.EqualTo(new[] { DateTimeKind.Utc }));
            Assert.That(latestTwo.Results.Select(r => (r.RunNumber, r.Attempt)), Is.EqualTo(new[] { (3L, 2), (3L, 1) }));
        });
    }

    [Test]
    public async Task History_of_an_unknown_test_or_project_is_not_found()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, "c1", "main", ("test", 1));
        await Host.WithDbAsync(db =>
        {
            db.TestCases.Add(Case(run, run.Job("test", 1), "adds", TestStatus.Passed, T0, 1));
            return db.SaveChangesAsync();
        });

        var unknownTest = Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new GetTestHistoryQuery("rocket", "0123456789abcdef")))!;
        var unknownProject = Assert.ThrowsAsync<NotFoundException>(() =>
            Host.SendAsync(new GetTestHistoryQuery("absent", TestIdentity.Of("test", "suite", "pkg.Class", "adds"))))!;

        Assert.Multiple(() =>
        {
            Assert.That((unknownTest.Resource, unknownTest.Key), Is.EqualTo(("test", "0123456789abcdef")));
            Assert.That((unknownProject.Resource, unknownProject.Key), Is.EqualTo(("project", "absent")));
        });
    }

    [Test]
    public async Task Flaky_tests_are_found_by_mixed_results_on_one_commit_by_flips_and_by_marks_within_the_window()
    {
        var project = await AddProjectAsync("rocket");
        // Runs 1 and 2 build the same commit; the others one commit each. Run 6 retried its job.
        var runs = new[]
        {
            await AddRunAsync(project, 1, "aaa", "main", ("test", 1)),
            await AddRunAsync(project, 2, "aaa", "main", ("test", 1)),
            await AddRunAsync(project, 3, "c3", "main", ("test", 1)),
            await AddRunAsync(project, 4, "c4", "main", ("test", 1)),
            await AddRunAsync(project, 5, "c5", "main", ("test", 1)),
            await AddRunAsync(project, 6, "c6", "main", ("test", 2)),
        };
        TestCaseRecord In(int number, string name, TestStatus status, int attempt = 1, bool flaky = false)
        {
            var run = runs[number - 1];
            return Case(run, run.Job("test", attempt), name, status, T0.AddMinutes(number * 10 + attempt), 1, flaky: flaky);
        }
        await Host.WithDbAsync(db =>
        {
            db.TestCases.AddRange(
                // mixed: failed, then passed on the same commit in another run.
                In(1, "mixed", TestStatus.Failed), In(2, "mixed", TestStatus.Passed),
                // flips: pass, fail, pass, pass: two flips over four results.
                In(3, "flips", TestStatus.Passed), In(4, "flips", TestStatus.Failed), In(5, "flips", TestStatus.Passed), In(6, "flips", TestStatus.Passed, attempt: 2),
                // broke once and stayed broken: one flip is not flaky.
                In(3, "broken", TestStatus.Passed), In(4, "broken", TestStatus.Failed), In(5, "broken", TestStatus.Failed), In(6, "broken", TestStatus.Failed, attempt: 2),
                // marked by the runner although it passed.
                In(5, "marked", TestStatus.Passed, flaky: true),
                // an error, then a passing retry of the same run.
                In(6, "retried", TestStatus.Error, attempt: 1), In(6, "retried", TestStatus.Passed, attempt: 2),
                // skipped results are no flip: pass, skip, fail is one flip.
                In(3, "skips", TestStatus.Passed), In(4, "skips", TestStatus.Skipped), In(5, "skips", TestStatus.Failed),
                // always green.
                In(1, "stable", TestStatus.Passed), In(3, "stable", TestStatus.Passed), In(6, "stable", TestStatus.Passed, attempt: 2));
            return db.SaveChangesAsync();
        });

        var all = await Host.SendAsync(new GetFlakyTestsQuery("rocket"));
        var lastThree = await Host.SendAsync(new GetFlakyTestsQuery("rocket", Runs: 3));

        Assert.Multiple(() =>
        {
            Assert.That(all.Items.Select(t => (t.Name, t.FlipRate, t.Flips, t.Results, t.MixedOnSameCommit, t.MarkedFlaky, t.LastStatus)), Is.EqualTo(new[]
            {
                ("retried", 1.0, 1, 2, true, false, TestStatus.Passed),
                ("mixed", 1.0, 1, 2, true, false, TestStatus.Passed),
                ("flips", 0.6667, 2, 4, false, false, TestStatus.Passed),
                ("marked", 0.0, 0, 1, false, true, TestStatus.Passed),
            }), "ordered by flip rate, then the most recently seen");
            var retried = all.Items[0];
            Assert.That((retried.TestId, retried.JobName, retried.Suite, retried.ClassName, retried.LastSeen),
                Is.EqualTo((TestIdentity.Of("test", "suite", "pkg.Class", "retried"), "test", "suite", (string?)"pkg.Class", T0.AddMinutes(62))));
            Assert.That(all.Items[1].LastSeen, Is.EqualTo(T0.AddMinutes(21)));

            // Runs 4 to 6: the pass before the failure of "flips" and both results of "mixed" are older than the window.
            Assert.That(lastThree.Items.Select(t => (t.Name, t.Flips, t.Results)), Is.EqualTo(new[] { ("retried", 1, 2), ("marked", 0, 1) }));
        });
    }

    [Test]
    public async Task Flaky_tests_of_a_project_without_failures_are_none_and_the_window_is_validated()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, "c1", "main", ("test", 1));
        await Host.WithDbAsync(db =>
        {
            db.TestCases.Add(Case(run, run.Job("test", 1), "adds", TestStatus.Passed, T0, 1));
            return db.SaveChangesAsync();
        });

        var none = await Host.SendAsync(new GetFlakyTestsQuery("rocket"));
        var invalid = Assert.ThrowsAsync<ValidationException>(() => Host.SendAsync(new GetFlakyTestsQuery("rocket", Runs: 1)))!;
        var unknown = Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new GetFlakyTestsQuery("absent")))!;

        Assert.Multiple(() =>
        {
            Assert.That(none.Items, Is.Empty);
            Assert.That(invalid.Errors.Select(e => e.PropertyName), Is.EqualTo(new[] { "Runs" }));
            Assert.That(unknown.Resource, Is.EqualTo("project"));
        });
    }

    [Test]
    public async Task Slowest_tests_are_ordered_by_median_duration_over_the_recent_runs()
    {
        var project = await AddProjectAsync("rocket");
        var r1 = await AddRunAsync(project, 1, "c1", "main", ("test", 1));
        var r2 = await AddRunAsync(project, 2, "c2", "main", ("test", 1));
        var r3 = await AddRunAsync(project, 3, "c3", "main", ("test", 1));
        TestCaseRecord In(PipelineRun run, string name, double? ms, TestStatus status = TestStatus.Passed) =>
            Case(run, run.Job("test", 1), name, status, T0.AddMinutes(run.Number), ms);
        await Host.WithDbAsync(db =>
        {
            db.TestCases.AddRange(
                In(r1, "slow", 100), In(r2, "slow", 300, TestStatus.Failed), In(r3, "slow", 200),
                In(r1, "spiky", 50), In(r2, "spiky", 1000),
                In(r2, "steady", 5000, TestStatus.Skipped), In(r3, "steady", 250),
                In(r3, "untimed", null));
            return db.SaveChangesAsync();
        });

        var all = await Host.SendAsync(new GetSlowestTestsQuery("rocket"));
        var top = await Host.SendAsync(new GetSlowestTestsQuery("rocket", Limit: 2));
        var lastRun = await Host.SendAsync(new GetSlowestTestsQuery("rocket", Runs: 1));

        Assert.Multiple(() =>
        {
            Assert.That(all.Items, Is.EqualTo(new[]
            {
                new SlowTestDto(TestIdentity.Of("test", "suite", "pkg.Class", "spiky"), "test", "suite", "pkg.Class", "spiky", 525, 1000, 1000, 2),
                new SlowTestDto(TestIdentity.Of("test", "suite", "pkg.Class", "steady"), "test", "suite", "pkg.Class", "steady", 250, 250, 250, 1),
                new SlowTestDto(TestIdentity.Of("test", "suite", "pkg.Class", "slow"), "test", "suite", "pkg.Class", "slow", 200, 300, 200, 3),
            }), "skipped results and results without a duration are left out");
            Assert.That(top.Items.Select(t => t.Name), Is.EqualTo(new[] { "spiky", "steady" }));
            Assert.That(lastRun.Items.Select(t => (t.Name, t.MedianDurationMs)), Is.EqualTo(new[] { ("steady", 250.0), ("slow", 200.0) }));
        });
    }

    // ---------------------------------------------------------------- coverage

    [Test]
    public async Task Run_coverage_adds_up_the_latest_attempt_of_each_job_and_lists_every_attempt_with_its_files()
    {
        var project = await AddProjectAsync("rocket");
        var run = await AddRunAsync(project, 1, "c1", "main", ("unit", 2), ("integration", 1));
        var bare = await AddRunAsync(project, 2, "c2", "main", ("unit", 1));
        var (unit1, unit2, integration) = (run.Job("unit", 1), run.Job("unit", 2), run.Job("integration", 1));
        await Host.WithDbAsync(db =>
        {
            db.Coverage.AddRange(
                Coverage(run, unit1, new CoverageCounts(10, 100, 1, 10), T0, new CoverageFileEntry("src/a.cs", 10, 100, 1, 10)),
                Coverage(run, unit2, new CoverageCounts(80, 100, 6, 10), T0,
                    new CoverageFileEntry("src/a.cs", 50, 60, 4, 6), new CoverageFileEntry("src/b.cs", 30, 40, 2, 4)),
                Coverage(run, integration, new CoverageCounts(20, 50, 0, 0), T0, new CoverageFileEntry("src/c.cs", 20, 50, 0, 0)));
            return db.SaveChangesAsync();
        });

        var coverage = await Host.SendAsync(new GetRunCoverageQuery(run.Id));

        Assert.Multiple(() =>
        {
            Assert.That((coverage.RunId, coverage.LinesCovered, coverage.LinesValid, coverage.BranchesCovered, coverage.BranchesValid),
                Is.EqualTo((run.Id, 100, 150, 6, 10)), "unit's attempt 2 and integration's attempt 1");
            Assert.That(coverage.LineRate, Is.EqualTo(100.0 / 150).Within(1e-12));
            Assert.That(coverage.BranchRate, Is.EqualTo(0.6).Within(1e-12));
            Assert.That(coverage.Jobs.Select(j => (j.JobId, j.JobName, j.Attempt, j.LinesCovered, j.LinesValid, j.BranchesCovered, j.BranchesValid)),
                Is.EqualTo(new[]
                {
                    (integration.Id, "integration", 1, 20, 50, 0, 0),
                    (unit1.Id, "unit", 1, 10, 100, 1, 10),
                    (unit2.Id, "unit", 2, 80, 100, 6, 10),
                }));
            Assert.That((coverage.Jobs[0].LineRate, coverage.Jobs[0].BranchRate), Is.EqualTo(((double?)0.4, (double?)null)));
            Assert.That(coverage.Jobs[2].Files, Is.EqualTo(new[]
            {
                new CoverageFileDto("src/a.cs", 50.0 / 60, 4.0 / 6, 50, 60, 4, 6),
                new CoverageFileDto("src/b.cs", 0.75, 0.5, 30, 40, 2, 4),
            }));
        });

        var noCoverage = Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new GetRunCoverageQuery(bare.Id)))!;
        var unknown = Assert.ThrowsAsync<NotFoundException>(() => Host.SendAsync(new GetRunCoverageQuery(Guid.NewGuid())))!;
        Assert.Multiple(() =>
        {
            Assert.That((noCoverage.Resource, noCoverage.Key), Is.EqualTo(("coverage report for run", bare.Id.ToString())));
            Assert.That(unknown.Resource, Is.EqualTo("run"));
        });
    }

    [Test]
    public async Task Coverage_trend_follows_one_branch_oldest_first_with_the_default_branch_by_default()
    {
        var project = await AddProjectAsync("rocket", defaultBranch: "trunk");
        var elsewhere = await AddProjectAsync("elsewhere", defaultBranch: "trunk");
        var r1 = await AddRunAsync(project, 1, "c1", "trunk", ("unit", 1));
        var r2 = await AddRunAsync(project, 2, "c2", "trunk", ("unit", 1));
        await AddRunAsync(project, 3, "c3", "trunk", ("unit", 1)); // no coverage: no point
        var r4 = await AddRunAsync(project, 4, "c4", "feature", ("unit", 1));
        var r5 = await AddRunAsync(project, 5, "c5", "trunk", ("unit", 2));
        var foreign = await AddRunAsync(elsewhere, 9, "f9", "trunk", ("unit", 1));
        await Host.WithDbAsync(db =>
        {
            db.Coverage.AddRange(
                Coverage(r1, r1.Job("unit", 1), new CoverageCounts(10, 100, 0, 0), T0.AddMinutes(1)),
                Coverage(r2, r2.Job("unit", 1), new CoverageCounts(20, 100, 1, 4), T0.AddMinutes(2)),
                Coverage(r4, r4.Job("unit", 1), new CoverageCounts(90, 100, 0, 0), T0.AddMinutes(4)),
                Coverage(r5, r5.Job("unit", 1), new CoverageCounts(40, 100, 0, 0), T0.AddMinutes(5)),
                Coverage(r5, r5.Job("unit", 2), new CoverageCounts(50, 100, 0, 0), T0.AddMinutes(6)),
                Coverage(foreign, foreign.Job("unit", 1), new CoverageCounts(1, 100, 0, 0), T0.AddMinutes(7)));
            return db.SaveChangesAsync();
        });

        var trunk = await Host.SendAsync(new GetCoverageTrendQuery("rocket"));
        var lastTwo = await Host.SendAsync(new GetCoverageTrendQuery("rocket", Limit: 2));
        var feature = await Host.SendAsync(new GetCoverageTrendQuery("rocket", Branch: "feature"));
        var nothing = await Host.SendAsync(new GetCoverageTrendQuery("rocket", Branch: "nothing"));

        Assert.Multiple(() =>
        {
            Assert.That(trunk.Branch, Is.EqualTo("trunk"));
            Assert.That(trunk.Points, Is.EqualTo(new[]
            {
                new CoveragePointDto(r1.Id, 1, "c1", T0, 0.1, null),
                new CoveragePointDto(r2.Id, 2, "c2", T0, 0.2, 0.25),
                new CoveragePointDto(r5.Id, 5, "c5", T0, 0.5, null),
            }), "the run's own creation time; run 5 counts its job's latest attempt");
            Assert.That(lastTwo.Points.Select(p => p.RunNumber), Is.EqualTo(new[] { 2L, 5L }));
            Assert.That((feature.Branch, feature.Points.Select(p => (p.RunId, p.LineRate)).Single()), Is.EqualTo(("feature", (r4.Id, (double?)0.9))));
            Assert.That((nothing.Branch, nothing.Points.Count), Is.EqualTo(("nothing", 0)));
        });
    }

    // ---------------------------------------------------------------- deleting

    [Test]
    public async Task Deleting_a_run_deletes_its_cases_suites_coverage_and_artifacts_and_no_one_elses()
    {
        var project = await AddProjectAsync("rocket");
        var doomed = await AddRunAsync(project, 1, "c1", "main", ("test", 1));
        var kept = await AddRunAsync(project, 2, "c2", "main", ("test", 1));
        await Host.WithDbAsync(db =>
        {
            foreach (var run in new[] { doomed, kept })
            {
                var job = run.Job("test", 1);
                db.TestCases.Add(Case(run, job, "adds", TestStatus.Passed, T0, 1));
                db.TestSuites.Add(new TestSuiteRecord(run.Id, job.Id, "suite", 1, 0, 0, 0, 1));
                db.Coverage.Add(Coverage(run, job, new CoverageCounts(1, 2, 0, 0), T0, new CoverageFileEntry("a.cs", 1, 2, 0, 0)));
                db.Artifacts.Add(new Artifact(project.Id, run.Id, job.Id, job.Name, 1, "dist/app.bin", 3, new string('a', 64), T0, T0.AddDays(1)));
            }
            return db.SaveChangesAsync();
        });

        // The database's cascade, not EF's: nothing is loaded.
        var deleted = await Host.WithDbAsync(db => db.Runs.Where(r => r.Id == doomed.Id).ExecuteDeleteAsync());

        Assert.That(deleted, Is.EqualTo(1));
        Assert.That(await RowsOfAsync(doomed.Id), Is.EqualTo((0, 0, 0, 0)));
        Assert.That(await RowsOfAsync(kept.Id), Is.EqualTo((1, 1, 1, 1)));

        await Host.SendAsync(new DeleteProjectCommand("rocket"));

        Assert.That(await RowsOfAsync(kept.Id), Is.EqualTo((0, 0, 0, 0)), "deleting the project deletes its runs and so their reports");
    }

    private Task<(int Cases, int Suites, int Coverage, int Artifacts)> RowsOfAsync(Guid runId) =>
        Host.WithDbAsync(async db => (
            await db.TestCases.CountAsync(c => c.RunId == runId),
            await db.TestSuites.CountAsync(s => s.RunId == runId),
            await db.Coverage.CountAsync(c => c.RunId == runId),
            await db.Artifacts.CountAsync(a => a.RunId == runId)));

    // ---------------------------------------------------------------- seeding

    private async Task<Project> AddProjectAsync(string slug, string defaultBranch = "main")
    {
        var project = new Project(slug, slug, $"https://example.org/team/{slug}.git", defaultBranch, Forge.Generic, Project.DefaultPipelineFile,
            new string('5', 64), T0);
        await Host.WithDbAsync(db =>
        {
            db.Projects.Add(project);
            return db.SaveChangesAsync();
        });
        return project;
    }

    /// <summary>A run of <paramref name="sha"/> on <paramref name="branch"/> with jobs of the given number of attempts each.</summary>
    private async Task<PipelineRun> AddRunAsync(Project project, long number, string? sha, string? branch, params (string Name, int Attempts)[] jobs)
    {
        var run = new PipelineRun(project.Id, number, "push", $"refs/heads/{branch}", sha, T0);
        run.Describe(branch, null, $"commit {sha}", null);
        foreach (var (name, attempts) in jobs)
        {
            run.AddJob(name, [], allowFailure: false, maxAttempts: attempts);
            for (var attempt = 2; attempt <= attempts; attempt++)
                run.AddAttempt(new Job(run.Id, name, [], allowFailure: false, maxAttempts: attempts, attempt: attempt));
        }
        await Host.WithDbAsync(db =>
        {
            db.Runs.Add(run);
            return db.SaveChangesAsync();
        });
        return run;
    }

    private static TestCaseRecord Case(PipelineRun run, Job job, string name, TestStatus status, DateTime at, double? durationMs,
        string suite = "suite", string? className = "pkg.Class", string? message = null, bool flaky = false) =>
        new(run.ProjectId, run.Id, job.Id, job.Name, job.Attempt, TestIdentity.Of(job.Name, suite, className, name), suite, className, name, status, at)
        {
            DurationMs = durationMs,
            Message = message,
            Flaky = flaky,
            CommitSha = run.Sha,
            Branch = run.Branch,
        };

    private static CoverageRecord Coverage(PipelineRun run, Job job, CoverageCounts counts, DateTime at, params CoverageFileEntry[] files) =>
        new(run.ProjectId, run.Id, job.Id, job.Name, job.Attempt, counts, files, run.Branch, run.Sha, at);

    private void Write(string relativePath, string content)
    {
        var path = Path.Combine(Workspace, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>What the job executor does after the steps: collect into the job's tracked row, then save.</summary>
    private async Task CollectReportsAsync(Guid jobId, ReportDefinition reports)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CometDbContext>();
        var job = await db.Jobs.FirstAsync(j => j.Id == jobId);
        var run = await db.Runs.FirstAsync(r => r.Id == job.RunId);
        await scope.ServiceProvider.GetRequiredService<ReportCollector>().CollectAsync(job, run, reports, WorkspaceFiles, CancellationToken.None);
        await db.SaveChangesAsync();
    }
}

internal static class RunJobs
{
    public static Job Job(this PipelineRun run, string name, int attempt) => run.Jobs.Single(j => j.Name == name && j.Attempt == attempt);
}
