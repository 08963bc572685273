using System.Runtime.InteropServices;

namespace Comet.Infrastructure.Execution;

/// <summary>The few libc calls the job engine needs that .NET does not wrap: who the server is, and file ownership.</summary>
// DllImport rather than LibraryImport: the source-generated form needs unsafe code enabled.
internal static class Posix
{
    [DllImport("libc")]
    public static extern uint getuid();

    [DllImport("libc")]
    public static extern uint geteuid();

    [DllImport("libc")]
    public static extern uint getegid();

    [DllImport("libc")]
    public static extern int getpgrp();

    /// <summary>Changes the owner of <paramref name="path"/> itself, never of what a link points at.</summary>
    [DllImport("libc", SetLastError = true)]
    public static extern int lchown(string path, uint owner, uint group);
}
