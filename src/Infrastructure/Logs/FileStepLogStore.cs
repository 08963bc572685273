using System.Diagnostics;
using System.Text;
using Comet.Application.Common.Interfaces;
using Comet.Application.Runs;
using Comet.Application.Runs.Execution;
using Comet.Infrastructure.Configuration;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;

namespace Comet.Infrastructure.Logs;

/// <summary>
/// Step logs as files: {DataDir}/runs/{run}/{job}/{step}.log, one timestamped line per output line. Every byte kept is
/// counted in <c>comet.log.bytes</c> (when <paramref name="metrics"/> is given).
/// </summary>
public sealed class FileStepLogStore(IOptions<CometOptions> comet, IOptions<RunnerOptions> runner, RunMetrics? metrics = null) : IStepLogStore
{
    private string Root => Path.Combine(comet.Value.DataDirFullPath, "runs");

    public string PathOf(Guid runId, Guid jobId, int stepIndex) =>
        Path.Combine(Root, runId.ToString("N"), jobId.ToString("N"), $"{stepIndex}.log");

    public IStepLogWriter OpenWriter(Guid runId, Guid jobId, int stepIndex)
    {
        var path = PathOf(runId, jobId, stepIndex);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new FileStepLogWriter(path, runner.Value.MaxLogBytes, metrics);
    }

    public Stream? OpenRead(Guid runId, Guid jobId, int stepIndex)
    {
        var path = PathOf(runId, jobId, stepIndex);
        return File.Exists(path)
            ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, useAsync: true)
            : null;
    }

    public void DeleteRun(Guid runId)
    {
        var dir = Path.Combine(Root, runId.ToString("N"));
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
    }

    private sealed class FileStepLogWriter : IStepLogWriter
    {
        // Followers read the file while it grows: flush often enough to look live, not on every line.
        private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(50);
        private static readonly long FlushEvery = (long)(Stopwatch.Frequency * FlushInterval.TotalSeconds);

        private readonly FileStream _file;
        private readonly long _maxBytes;
        private readonly RunMetrics? _metrics;
        private readonly SemaphoreSlim _gate = new(1, 1);
        // A line followed by silence must not wait in the buffer for the next line: flush what is pending when idle.
        private readonly Timer _idleFlush;
        private bool _pending;
        private bool _disposed;
        private long _written;
        private long _lastFlush = Stopwatch.GetTimestamp();

        public FileStepLogWriter(string path, long maxBytes, RunMetrics? metrics)
        {
            _metrics = metrics;
            _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
            _maxBytes = maxBytes;
            _idleFlush = new Timer(_ => _ = FlushPendingAsync(), null, FlushInterval, FlushInterval);
        }

        private async Task FlushPendingAsync()
        {
            if (!await _gate.WaitAsync(0)) return; // a writer holds the gate and flushes on its own
            try
            {
                if (_disposed || !_pending) return;
                await _file.FlushAsync();
                _pending = false;
                _lastFlush = Stopwatch.GetTimestamp();
            }
            catch (ObjectDisposedException)
            {
            }
            catch (IOException)
            {
            }
            finally
            {
                _gate.Release();
            }
        }

        public bool Truncated { get; private set; }

        public async ValueTask WriteLineAsync(string line)
        {
            await _gate.WaitAsync();
            try
            {
                if (Truncated) return;
                var bytes = Encoding.UTF8.GetBytes($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {line}\n");
                if (_written + bytes.Length > _maxBytes)
                {
                    Truncated = true;
                    var marker = Encoding.UTF8.GetBytes(
                        $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} [comet] log truncated at {_maxBytes / (1024 * 1024.0):0.#} MB; the step keeps running but its further output is not kept\n");
                    await _file.WriteAsync(marker);
                    await _file.FlushAsync();
                    return;
                }
                await _file.WriteAsync(bytes);
                _written += bytes.Length;
                _metrics?.LogWritten(bytes.Length);
                _pending = true;
                if (Stopwatch.GetTimestamp() - _lastFlush > FlushEvery)
                {
                    await _file.FlushAsync();
                    _pending = false;
                    _lastFlush = Stopwatch.GetTimestamp();
                }
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _idleFlush.DisposeAsync();
            await _gate.WaitAsync();
            try
            {
                _disposed = true;
                await _file.DisposeAsync();
            }
            finally
            {
                _gate.Release();
                _gate.Dispose();
            }
        }
    }
}
