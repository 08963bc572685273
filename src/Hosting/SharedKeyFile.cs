using System.Security.Cryptography;

namespace Comet.Hosting;

/// <summary>
/// A random key that two processes on one machine (the gateway and the orchestrator) must agree on without being told:
/// whichever starts first makes it, the other reads it. The file is 0600 in a 0700 folder.
/// </summary>
public static class SharedKeyFile
{
    /// <summary>The key in <paramref name="path"/> (base64 text), made with <paramref name="bytes"/> random bytes if there is none yet.</summary>
    public static string LoadOrCreate(string path, int bytes = 32)
    {
        if (TryRead(path) is { } existing) return existing;
        PrivateFile.CreateFolder(Path.GetDirectoryName(path)!);

        // Written in full to a file of our own first, then linked into place without replacing anything: the other
        // host never sees a half-written key, and of two hosts starting together exactly one wins.
        var candidate = Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes));
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        using (var writer = PrivateFile.Create(temporary, overwrite: false))
            writer.Write(candidate);
        try
        {
            // Without overwrite, .NET moves with link()+unlink() on Unix, which fails if the target exists.
            File.Move(temporary, path, overwrite: false);
            return candidate;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return TryRead(path) ?? throw new InvalidConfigurationException($"The key file {path} is empty; delete it and restart both hosts.");
        }
    }

    private static string? TryRead(string path)
    {
        try
        {
            var text = File.ReadAllText(path).Trim();
            return text.Length > 0 ? text : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }
}
