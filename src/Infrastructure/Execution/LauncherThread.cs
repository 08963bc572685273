using System.Collections.Concurrent;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// One long-lived thread that starts the step processes. A parent-death signal (bwrap's --die-with-parent)
/// fires when the thread that forked the child exits, not the process: started from a thread-pool
/// thread, a step would be killed whenever the pool retired that thread. Forked from here, it dies only with the
/// orchestrator — which is exactly what a kill -9 of the server must do to it.
/// </summary>
internal static class LauncherThread
{
    private static readonly BlockingCollection<Action> Work = new();

    static LauncherThread()
    {
        var thread = new Thread(() =>
        {
            foreach (var action in Work.GetConsumingEnumerable()) action();
        })
        {
            IsBackground = true,
            Name = "Comet step launcher",
        };
        thread.Start();
    }

    /// <summary>Runs <paramref name="start"/> on the launcher thread (it must only start the process, never wait for it).</summary>
    public static Task<T> Run<T>(Func<T> start)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add(() =>
        {
            try
            {
                result.SetResult(start());
            }
            catch (Exception ex)
            {
                result.SetException(ex);
            }
        });
        return result.Task;
    }
}
