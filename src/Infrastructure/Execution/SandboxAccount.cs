using System.Runtime.InteropServices;

namespace Comet.Infrastructure.Execution;

/// <summary>
/// The account sandboxed steps run as. When the server runs as root it must be an unprivileged system account that
/// owns nothing of the server's: inside a user namespace that root created, uid 0 outside would still open root's
/// files. A server that is not root cannot switch accounts; its steps then run as its own user (still in the sandbox).
/// </summary>
public sealed record SandboxAccount(string Name, uint Uid, uint Gid, bool Switches)
{
    public static bool ServerIsRoot => Posix.geteuid() == 0;

    /// <summary>The account to use, or why there is none (one line for the start-up refusal).</summary>
    public static (SandboxAccount? Account, string? Problem) Resolve(string userName)
    {
        if (!ServerIsRoot)
            return (new SandboxAccount(Environment.UserName, Posix.geteuid(), Posix.getegid(), Switches: false), null);
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var fields = line.Split(':');
            if (fields.Length < 4 || fields[0] != userName) continue;
            if (!uint.TryParse(fields[2], out var uid) || !uint.TryParse(fields[3], out var gid)) break;
            if (uid == 0 || gid == 0)
                return (null, $"the sandbox account '{userName}' is root; it must be an unprivileged account (Runner:SandboxUser)");
            return (new SandboxAccount(userName, uid, gid, Switches: true), null);
        }
        return (null, $"the sandbox account '{userName}' does not exist; create it (./dev.sh does: useradd --system --no-create-home " +
                      $"--shell /usr/sbin/nologin {userName}) or name another with Runner:SandboxUser");
    }

    /// <summary>Gives a tree to the account without following links (lchown), so a checked-in link never hands over its target.</summary>
    public void Own(string path)
    {
        if (!Switches) return;
        Chown(path);
        if (new FileInfo(path).LinkTarget is not null || !Directory.Exists(path)) return;
        foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos())
        {
            if (entry.LinkTarget is null && entry is DirectoryInfo) Own(entry.FullName);
            else Chown(entry.FullName);
        }
    }

    private void Chown(string path)
    {
        if (Posix.lchown(path, Uid, Gid) != 0)
            throw new IOException($"could not give {path} to the sandbox account: errno {Marshal.GetLastPInvokeError()}");
    }
}
