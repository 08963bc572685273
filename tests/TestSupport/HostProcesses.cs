namespace Comet.TestSupport;

/// <summary>Processes of this machine, read from /proc as the host sees them (a sandboxed step's own pids differ).</summary>
public static class HostProcesses
{
    /// <summary>Pids whose argv[0] is <paramref name="name"/> (a step can name a process with <c>exec -a</c>).</summary>
    public static IReadOnlyList<int> WithArgumentZero(string name)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline"));
                var first = cmdline.Split('\0')[0];
                if (first == name) found.Add(pid);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // ended meanwhile
            }
        }
        return found;
    }
}
