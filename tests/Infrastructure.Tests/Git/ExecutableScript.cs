using System.Runtime.Versioning;

namespace Comet.Infrastructure.Tests.Git;

/// <summary>A shell script that git may find and start: a hook, a remote helper.</summary>
[SupportedOSPlatform("linux")]
internal static class ExecutableScript
{
    public static void Write(string path, string body)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
