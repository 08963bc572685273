using System.Diagnostics;

namespace Comet.Infrastructure.Tests.Execution;

/// <summary>Whether processes still run, read from /proc. A zombie (killed, not yet reaped by init) counts as dead.</summary>
internal static class LiveProcesses
{
    public static bool IsRunning(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
        // "pid (comm) S ...": the command may contain spaces or parentheses, the state follows the last ')'.
        var state = stat[stat.LastIndexOf(')') + 2];
        return state is not ('Z' or 'X' or 'x');
    }

    /// <summary>The pids among <paramref name="pids"/> still running once <paramref name="within"/> has passed (or none sooner).</summary>
    public static async Task<int[]> StillRunningAfterAsync(TimeSpan within, params int[] pids)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var running = pids.Where(IsRunning).ToArray();
            if (running.Length == 0 || clock.Elapsed >= within) return running;
            await Task.Delay(20);
        }
    }
}
