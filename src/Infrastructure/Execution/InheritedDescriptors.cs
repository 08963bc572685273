using System.Runtime.InteropServices;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// File descriptors the server inherited from whatever started it (a shell's pipe, a terminal) stay open across
/// exec unless marked close-on-exec, and every step would inherit them too. .NET marks the descriptors it opens;
/// this marks the ones it was given, once, before any step starts.
/// </summary>
internal static class InheritedDescriptors
{
    private const int SetDescriptorFlags = 2; // F_SETFD
    private const int CloseOnExec = 1; // FD_CLOEXEC

    /// <summary>Returns how many descriptors above stderr were marked.</summary>
    public static int MarkCloseOnExec()
    {
        var marked = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var fd) || fd <= 2) continue;
            if (fcntl(fd, SetDescriptorFlags, CloseOnExec) == 0) marked++;
        }
        return marked;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int command, int argument);
}
