using System.Collections.Concurrent;

namespace Comet.Application.Runs.Execution;

/// <summary>
/// The jobs this node is running, each with the token that stops it. A cancel request on this node
/// stops a job at once; on other nodes the executor's heartbeat sees the cancelled status.
/// </summary>
public sealed class RunningJobs
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> _jobs = new();

    public CancellationTokenSource Register(Guid jobId, CancellationToken stopping)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        _jobs[jobId] = source;
        return source;
    }

    public void Unregister(Guid jobId)
    {
        if (_jobs.TryRemove(jobId, out var source)) source.Dispose();
    }

    public void Cancel(Guid jobId)
    {
        if (_jobs.TryGetValue(jobId, out var source))
        {
            try { source.Cancel(); } catch (ObjectDisposedException) { }
        }
    }

    public int Count => _jobs.Count;
}
