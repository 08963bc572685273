using System.Globalization;
using Comet.Application.Runs.Execution;
using Comet.Infrastructure.Configuration;
using Comet.Infrastructure.Logs;
using Comet.TestSupport;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;

namespace Comet.Infrastructure.Tests.Execution;

public sealed class FileStepLogStoreTests
{
    private TempDirectory _dataDir = null!;
    private FileStepLogStore _store = null!;

    [SetUp]
    public void CreateStore()
    {
        _dataDir = new TempDirectory("comet-logs");
        _store = new FileStepLogStore(Options.Create(new CometOptions { DataDir = _dataDir.Path }), Options.Create(new RunnerOptions()));
    }

    [TearDown]
    public void DeleteStore() => _dataDir.Dispose();

    [Test]
    public async Task Each_line_is_written_with_an_iso_8601_utc_timestamp()
    {
        var (run, job) = (Guid.NewGuid(), Guid.NewGuid());
        var before = DateTime.UtcNow.AddSeconds(-1);
        await using (var writer = _store.OpenWriter(run, job, 2))
        {
            await writer.WriteLineAsync("compiling");
            await writer.WriteLineAsync("");
            await writer.WriteLineAsync("done: 3 warnings");
        }

        var lines = await ReadAllLinesAsync(run, job, 2);
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines.Select(l => l[(l.IndexOf(' ') + 1)..]), Is.EqualTo(new[] { "compiling", "", "done: 3 warnings" }));
        foreach (var line in lines)
        {
            Assert.That(line, Does.Match(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z "));
            var stamp = DateTime.ParseExact(line[..line.IndexOf(' ')], "yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
            Assert.That(stamp, Is.InRange(before, DateTime.UtcNow.AddSeconds(1)));
        }
    }

    [Test]
    public async Task Lines_written_from_two_tasks_at_once_stay_whole()
    {
        var (run, job) = (Guid.NewGuid(), Guid.NewGuid());
        const int linesPerWriter = 5000;
        var stdoutLine = new string('o', 3000);
        var stderrLine = new string('e', 3000);
        await using (var writer = _store.OpenWriter(run, job, 0))
        {
            // Two streams of one step write concurrently, as the process backend's stdout and stderr pumps do.
            await Task.WhenAll(
                Task.Run(async () => { for (var i = 0; i < linesPerWriter; i++) await writer.WriteLineAsync($"{stdoutLine} {i}"); }),
                Task.Run(async () => { for (var i = 0; i < linesPerWriter; i++) await writer.WriteLineAsync($"{stderrLine} {i}"); }));
        }

        var lines = await ReadAllLinesAsync(run, job, 0);
        var bodies = lines.Select(l => l[(l.IndexOf(' ') + 1)..]).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(lines, Has.Length.EqualTo(2 * linesPerWriter));
            Assert.That(lines, Has.All.Match(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (o{3000}|e{3000}) \d+$"), "every line is one timestamp and one whole line");
            Assert.That(bodies.Where(b => b.StartsWith(stdoutLine + " ", StringComparison.Ordinal)).Select(b => int.Parse(b[(stdoutLine.Length + 1)..], CultureInfo.InvariantCulture)),
                Is.EqualTo(Enumerable.Range(0, linesPerWriter)), "stdout lines whole and in order");
            Assert.That(bodies.Where(b => b.StartsWith(stderrLine + " ", StringComparison.Ordinal)).Select(b => int.Parse(b[(stderrLine.Length + 1)..], CultureInfo.InvariantCulture)),
                Is.EqualTo(Enumerable.Range(0, linesPerWriter)), "stderr lines whole and in order");
        });
    }

    [Test]
    public async Task Two_streams_racing_past_the_cap_leave_one_truncation_line_at_the_end()
    {
        var store = new FileStepLogStore(
            Options.Create(new CometOptions { DataDir = _dataDir.Path }), Options.Create(new RunnerOptions { MaxLogBytes = 256 * 1024 }));
        var (run, job) = (Guid.NewGuid(), Guid.NewGuid());
        var body = new string('z', 200);
        await using (var writer = store.OpenWriter(run, job, 0))
        {
            await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                for (var i = 0; i < 5000; i++) await writer.WriteLineAsync(body);
            })));
            Assert.That(writer.Truncated, Is.True);
        }

        var path = store.PathOf(run, job, 0);
        var lines = File.ReadAllLines(path);
        Assert.Multiple(() =>
        {
            Assert.That(new FileInfo(path).Length, Is.LessThanOrEqualTo(256 * 1024 + 512));
            Assert.That(lines.Count(l => l.Contains("log truncated")), Is.EqualTo(1));
            Assert.That(lines[^1], Does.Contain("log truncated"));
            Assert.That(lines[..^1], Has.All.EndsWith(" " + body));
        });
    }

    [Test]
    public async Task The_log_can_be_read_while_the_step_still_writes()
    {
        var (run, job) = (Guid.NewGuid(), Guid.NewGuid());
        await using var writer = _store.OpenWriter(run, job, 0);
        await writer.WriteLineAsync("first");
        await Task.Delay(100); // writes are flushed at most every 50 ms
        await writer.WriteLineAsync("second");

        await using var read = _store.OpenRead(run, job, 0);
        Assert.That(read, Is.Not.Null);
        var text = await new StreamReader(read!).ReadToEndAsync();
        Assert.That(text, Does.Contain(" first\n"));
    }

    [Test]
    public void Reading_a_step_that_wrote_no_log_gives_null()
    {
        Assert.That(_store.OpenRead(Guid.NewGuid(), Guid.NewGuid(), 0), Is.Null);
    }

    [Test]
    public async Task Reading_another_step_of_a_job_with_a_log_gives_null()
    {
        var (run, job) = (Guid.NewGuid(), Guid.NewGuid());
        await using (var writer = _store.OpenWriter(run, job, 0)) await writer.WriteLineAsync("step zero");

        Assert.That(_store.OpenRead(run, job, 1), Is.Null);
    }

    [Test]
    public async Task Deleting_a_run_removes_its_logs_and_leaves_other_runs()
    {
        var (deleted, kept, job) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await using (var writer = _store.OpenWriter(deleted, job, 0)) await writer.WriteLineAsync("gone soon");
        await using (var writer = _store.OpenWriter(deleted, Guid.NewGuid(), 3)) await writer.WriteLineAsync("gone soon too");
        await using (var writer = _store.OpenWriter(kept, job, 0)) await writer.WriteLineAsync("stays");
        var runFolder = Path.GetDirectoryName(Path.GetDirectoryName(_store.PathOf(deleted, job, 0)))!;
        Assert.That(Directory.Exists(runFolder), Is.True);

        _store.DeleteRun(deleted);

        Assert.Multiple(() =>
        {
            Assert.That(Directory.Exists(runFolder), Is.False);
            Assert.That(_store.OpenRead(deleted, job, 0), Is.Null);
            Assert.That(File.Exists(_store.PathOf(kept, job, 0)), Is.True);
        });
    }

    [Test]
    public void Deleting_a_run_without_logs_is_harmless()
    {
        Assert.DoesNotThrow(() => _store.DeleteRun(Guid.NewGuid()));
    }

    private async Task<string[]> ReadAllLinesAsync(Guid run, Guid job, int step)
    {
        await using var stream = _store.OpenRead(run, job, step) ?? throw new AssertionException("no log was written");
        using var reader = new StreamReader(stream);
        var text = await reader.ReadToEndAsync();
        Assert.That(text, Does.EndWith("\n"));
        return text[..^1].Split('\n');
    }
}
