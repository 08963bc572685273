namespace Comet.Infrastructure.Identity;

/// <summary>Files with secrets in them (signing keys, the first admin's password): readable by their owner only.</summary>
public static class PrivateFile
{
    /// <summary>Creates a file with mode 0600 from the first byte on, never readable by others even briefly.</summary>
    /// <param name="overwrite">Replace an existing file (deleted first: an old file would keep its old mode).</param>
    public static StreamWriter Create(string path, bool overwrite)
    {
        if (overwrite) File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new StreamWriter(new FileStream(path, options));
    }
}
