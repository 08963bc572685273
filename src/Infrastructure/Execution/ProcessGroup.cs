using System.Runtime.InteropServices;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// Signals a whole process group. Steps are started under <c>setsid</c>, so the step's shell leads
/// a group that its children and grandchildren join; killing the group reaches all of them.
/// </summary>
internal static class ProcessGroup
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    public static void Terminate(int groupLeaderPid) => _ = kill(-groupLeaderPid, SigTerm);

    public static void Kill(int groupLeaderPid) => _ = kill(-groupLeaderPid, SigKill);

    /// <summary>True while any process of the group is alive (kill with signal 0 only checks).</summary>
    public static bool IsAlive(int groupLeaderPid) => kill(-groupLeaderPid, 0) == 0;

    /// <summary>True while the process exists and is not yet reaped.</summary>
    public static bool IsProcessAlive(int pid) => kill(pid, 0) == 0;

    public static void TerminateProcess(int pid) => _ = kill(pid, SigTerm);

    public static void KillProcess(int pid) => _ = kill(pid, SigKill);

    /// <summary>
    /// Descendants of <paramref name="leaderPid"/> that left its group (<c>setsid</c>, a daemon's own
    /// session). Found through /proc while the leader still links them; once it dies they belong to init.
    /// </summary>
    public static IReadOnlyList<int> DescendantsOutsideGroup(int leaderPid) =>
        DescendantsOf(leaderPid).Where(d => d.Group != leaderPid).Select(d => d.Pid).ToList();

    /// <summary>The process group of <paramref name="pid"/>, or null when it has ended.</summary>
    public static int? GroupOf(int pid) => StatOf(pid) is { Group: var group } ? group : null;

    /// <summary>Every descendant of <paramref name="pid"/>, in or out of its group, found through /proc.</summary>
    public static IReadOnlyList<int> Descendants(int pid) => DescendantsOf(pid).Select(d => d.Pid).ToList();

    private static List<(int Pid, int Group)> DescendantsOf(int leaderPid)
    {
        var children = new Dictionary<int, List<(int Pid, int Group)>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || StatOf(pid) is not var (parent, group)) continue;
            if (!children.TryGetValue(parent, out var list)) children[parent] = list = [];
            list.Add((pid, group));
        }
        var found = new List<(int Pid, int Group)>();
        var pending = new Stack<int>([leaderPid]);
        while (pending.TryPop(out var current))
        {
            if (!children.TryGetValue(current, out var list)) continue;
            foreach (var child in list)
            {
                found.Add(child);
                pending.Push(child.Pid);
            }
        }
        return found;
    }

    /// <summary>The parent and the process group, from /proc/pid/stat; null when the process ended meanwhile.</summary>
    private static (int Parent, int Group)? StatOf(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
        // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        if (fields.Length < 3 || !int.TryParse(fields[1], out var parent) || !int.TryParse(fields[2], out var group)) return null;
        return (parent, group);
    }

    // DllImport rather than LibraryImport: the source-generated form needs unsafe code enabled.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
