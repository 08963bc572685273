using Microsoft.Extensions.Logging;

namespace Comet.Hosting;

/// <summary>
/// Files and folders with secrets in them (signing keys, the first admin's password, the database): readable by their
/// owner only. Mode bits keep other local accounts out (the sandbox's step account among them), not the server's own.
/// </summary>
public static class PrivateFile
{
    private const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupAndOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates a file with mode 0600 from the first byte on, never readable by others even briefly.</summary>
    /// <param name="overwrite">Replace an existing file (deleted first: an old file would keep its old mode).</param>
    public static StreamWriter Create(string path, bool overwrite) => new(CreateStream(path, overwrite));

    /// <summary>An empty 0600 file, for files another component fills (SQLite keeps the mode it finds).</summary>
    public static void CreateEmpty(string path)
    {
        using var _ = CreateStream(path, overwrite: false);
    }

    /// <summary>Creates a folder (and missing parents) with mode 0700; an existing folder keeps its mode.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, FolderMode);
    }

    /// <summary>
    /// Takes group and other access away from an existing file or folder that has any (0644 becomes 0600, 0755 0700),
    /// and logs that it did: a wider mode means someone else may already have read it. Missing paths are left alone.
    /// </summary>
    public static void Restrict(string path, ILogger logger)
    {
        if (OperatingSystem.IsWindows() || !Path.Exists(path)) return;
        var mode = File.GetUnixFileMode(path);
        if ((mode & GroupAndOther) == 0) return;
        var wanted = mode & ~GroupAndOther;
        File.SetUnixFileMode(path, wanted);
        logger.LogWarning("{Path} was readable by other users (mode {Mode}); it is now {Wanted}. If others could reach it, treat what it holds as exposed",
            path, Octal(mode), Octal(wanted));
    }

    /// <summary>Whether others than the owner may enter or read <paramref name="path"/>.</summary>
    public static bool IsOpenToOthers(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupAndOther) != 0;

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');

    private static FileStream CreateStream(string path, bool overwrite)
    {
        if (overwrite) File.Delete(path);
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = FileMode;
        return new FileStream(path, options);
    }
}
