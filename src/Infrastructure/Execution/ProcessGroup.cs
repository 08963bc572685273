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

    // DllImport rather than LibraryImport: the source-generated form needs unsafe code enabled.
    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
