using Comet.Application.Runs.Execution;

namespace Comet.Infrastructure.Tests.Execution;

/// <summary>
/// Real <c>bash -eo pipefail -c</c> steps under each backend, the same behaviour expected of both: exit codes, output,
/// environment, the script as written.
/// </summary>
[TestFixture(JobBackendNames.Local)]
[TestFixture(JobBackendNames.Sandbox)]
public sealed class StepBackendTests(string backend)
{
    private StepHarness _step = null!;

    [SetUp]
    public void CreateHarness() => _step = new StepHarness(backend: backend);

    [TearDown]
    public void DeleteHarness() => _step.Dispose();

    [Test]
    public async Task A_script_that_exits_zero_succeeds()
    {
        var result = await _step.RunAsync("echo hello");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.Succeeded, Is.True);
            Assert.That(result.Outcome.ExitCode, Is.EqualTo(0));
            Assert.That(result.Outcome.TimedOut, Is.False);
            Assert.That(result.Outcome.Cancelled, Is.False);
            Assert.That(result.Lines, Is.EqualTo(new[] { "hello" }));
        });
    }

    [Test]
    public async Task The_exit_code_of_the_script_is_the_step_exit_code()
    {
        var result = await _step.RunAsync("echo before; exit 3");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.ExitCode, Is.EqualTo(3));
            Assert.That(result.Outcome.Succeeded, Is.False);
            Assert.That(result.Lines, Is.EqualTo(new[] { "before" }));
        });
    }

    [Test]
    public async Task A_failing_command_stops_the_script()
    {
        var result = await _step.RunAsync("false\necho after");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.ExitCode, Is.EqualTo(1));
            Assert.That(result.Lines, Does.Not.Contain("after"));
        });
    }

    [Test]
    public async Task A_failing_command_early_in_a_pipe_fails_the_step()
    {
        var result = await _step.RunAsync("false | true\necho after");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.Succeeded, Is.False);
            Assert.That(result.Outcome.ExitCode, Is.EqualTo(1));
            Assert.That(result.Lines, Does.Not.Contain("after"));
        });
    }

    [Test]
    public async Task A_command_that_cannot_be_found_fails_with_127_and_says_so()
    {
        var result = await _step.RunAsync("no-such-command-comet-test");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.ExitCode, Is.EqualTo(127));
            Assert.That(result.Lines, Has.Some.Contains("no-such-command-comet-test").And.Contains("not found"));
        });
    }

    [Test]
    public async Task Stdout_and_stderr_lines_both_reach_the_log()
    {
        var result = await _step.RunAsync("echo to-stdout; echo to-stderr >&2; echo again-stdout; echo again-stderr 1>&2");

        // The two streams are read concurrently, so only the order within one stream is certain.
        var lines = result.Lines;
        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.Succeeded, Is.True);
            Assert.That(lines, Is.EquivalentTo(new[] { "to-stdout", "to-stderr", "again-stdout", "again-stderr" }));
            Assert.That(lines.ToList().IndexOf("to-stdout"), Is.LessThan(lines.ToList().IndexOf("again-stdout")));
            Assert.That(lines.ToList().IndexOf("to-stderr"), Is.LessThan(lines.ToList().IndexOf("again-stderr")));
        });
    }

    [Test]
    public async Task Every_log_line_in_the_file_carries_a_utc_timestamp()
    {
        var before = DateTime.UtcNow.AddSeconds(-1);
        var result = await _step.RunAsync("echo one; echo two >&2");

        var raw = File.ReadAllLines(result.LogPath);
        Assert.That(raw, Has.Length.EqualTo(2));
        foreach (var line in raw)
        {
            Assert.That(line, Does.Match(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (one|two)$"));
            var stamp = DateTime.Parse(line[..line.IndexOf(' ')], null, System.Globalization.DateTimeStyles.RoundtripKind);
            Assert.That(stamp.Kind, Is.EqualTo(DateTimeKind.Utc));
            Assert.That(stamp, Is.InRange(before, DateTime.UtcNow.AddSeconds(1)));
        }
    }

    [Test]
    public async Task Given_variables_are_visible_to_the_step()
    {
        var result = await _step.RunAsync(
            "echo \"run=$COMET_RUN_ID\"; echo \"spaced=$SPACED\"",
            new Dictionary<string, string> { ["COMET_RUN_ID"] = "run-42", ["SPACED"] = "a b  'c' $HOME" });

        Assert.That(result.Lines, Is.EqualTo(new[] { "run=run-42", "spaced=a b  'c' $HOME" }));
    }

    [Test, NonParallelizable]
    public async Task Variables_of_the_server_process_are_not_visible_to_the_step()
    {
        Environment.SetEnvironmentVariable("COMET_SECRET_TEST", "server-secret");
        try
        {
            var result = await _step.RunAsync("echo \"secret=${COMET_SECRET_TEST-unset}\"; env | grep -c COMET_SECRET_TEST || true");

            Assert.That(result.Lines, Is.EqualTo(new[] { "secret=unset", "0" }));
        }
        finally
        {
            Environment.SetEnvironmentVariable("COMET_SECRET_TEST", null);
        }
    }

    [Test]
    public async Task The_step_has_a_path_and_finds_ordinary_tools()
    {
        var result = await _step.RunAsync("echo \"path=$PATH\"; command -v git; command -v sleep");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.Succeeded, Is.True, string.Join("\n", result.Lines));
            Assert.That(result.Lines[0], Does.StartWith("path=").And.Contain("/usr/bin"));
            Assert.That(result.Lines, Has.Some.EndsWith("/git"));
        });
    }

    [Test]
    public async Task The_step_runs_in_the_given_working_directory()
    {
        var result = await _step.RunAsync("pwd; touch made-here");

        Assert.Multiple(() =>
        {
            Assert.That(result.Lines, Is.EqualTo(new[] { _step.Environment.Workspace }));
            Assert.That(File.Exists(Path.Combine(_step.WorkDir, "made-here")), Is.True);
        });
    }

    [Test]
    public async Task The_script_runs_exactly_as_written_with_quotes_substitutions_semicolons_and_newlines()
    {
        const string script = """
            printf '%s\n' "it's \"double\" quoted" 'single: $(not run); `not run either`' > out.txt
            echo "$(echo sub)stituted; $((6 * 7)); done" >> out.txt; echo 'semi;colon' >> out.txt
            name='a b'; printf '[%s]\n' $name "$name" >> out.txt
            """;

        var result = await _step.RunAsync(script);

        Assert.That(result.Outcome.Succeeded, Is.True, string.Join("\n", result.Lines));
        Assert.That(File.ReadAllText(Path.Combine(_step.WorkDir, "out.txt")), Is.EqualTo(
            "it's \"double\" quoted\n" +
            "single: $(not run); `not run either`\n" +
            "substituted; 42; done\n" +
            "semi;colon\n" +
            "[a]\n[b]\n[a b]\n"));
    }

    [Test]
    public async Task A_writer_into_a_closed_pipe_ends_quietly_as_in_a_terminal()
    {
        // `yes | head -n 1` in a terminal: head exits, yes is killed by SIGPIPE (141) and prints nothing.
        // With SIGPIPE ignored, yes gets EPIPE instead and logs "Broken pipe"; a writer that ignores
        // write errors would spin until the step's timeout.
        var result = await _step.RunAsync("set +e +o pipefail\nyes | head -n 1\necho \"yes exited ${PIPESTATUS[0]}\"");

        Assert.That(result.Lines, Is.EqualTo(new[] { "y", "yes exited 141" }));
    }

    [Test]
    public async Task A_line_longer_than_16k_characters_is_split_into_pieces_not_lost()
    {
        var result = await _step.RunAsync("head -c 40000 /dev/zero | tr '\\0' x; echo; echo next");

        var lines = result.Lines;
        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.Succeeded, Is.True);
            Assert.That(lines[^1], Is.EqualTo("next"));
            Assert.That(lines.Count, Is.GreaterThanOrEqualTo(4), "40,000 characters make at least three pieces of at most 16 K");
            Assert.That(lines.Take(lines.Count - 1), Has.All.Length.LessThanOrEqualTo(16 * 1024));
            Assert.That(string.Concat(lines.Take(lines.Count - 1)), Is.EqualTo(new string('x', 40000)));
        });
    }

    [Test]
    public async Task Output_without_a_trailing_newline_is_kept()
    {
        var result = await _step.RunAsync("echo first; printf 'last words without newline'");

        Assert.That(result.Lines, Is.EqualTo(new[] { "first", "last words without newline" }));
    }

    [Test]
    public async Task Windows_line_endings_do_not_leave_carriage_returns_in_the_log()
    {
        var result = await _step.RunAsync("printf 'one\\r\\ntwo\\r\\n'");

        Assert.That(result.Lines, Is.EqualTo(new[] { "one", "two" }));
    }

    [Test]
    public async Task A_workspace_that_is_gone_fails_the_step_instead_of_throwing()
    {
        Directory.Delete(_step.WorkDir, recursive: true);

        var result = await _step.RunAsync("echo never");

        Assert.Multiple(() =>
        {
            Assert.That(result.Outcome.Succeeded, Is.False);
            Assert.That(result.Lines, Has.None.EqualTo("never"));
        });
    }
}
