using System.Security.Cryptography;
using Comet.Application.Common.Interfaces;
using Comet.Infrastructure.Configuration;
using Microsoft.Extensions.Options;
using Comet.Hosting.Configuration;

namespace Comet.Infrastructure.Artifacts;

/// <summary>
/// Artifacts on disk, content-addressed: {data}/artifacts/sha256/ab/abcdef…. A file is written to a temporary name
/// while it is hashed and moved into place only when complete, so a reader never sees half a file and two jobs
/// keeping the same content share one copy.
/// </summary>
public sealed class FileArtifactStore(IOptions<CometOptions> comet) : IArtifactStore
{
    private string Root => Path.Combine(comet.Value.DataDirFullPath, "artifacts");
    private string Contents => Path.Combine(Root, "sha256");

    public async Task<StoredContent?> SaveAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var incoming = Path.Combine(Root, "incoming");
        Directory.CreateDirectory(incoming);
        var temporary = Path.Combine(incoming, Guid.NewGuid().ToString("N"));
        try
        {
            string sha;
            long size = 0;
            await using (var target = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[81920];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > maxBytes) return null;
                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
                sha = Convert.ToHexStringLower(hash.GetHashAndReset());
            }

            var final = PathOf(sha);
            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            if (File.Exists(final))
                File.SetLastWriteTimeUtc(final, DateTime.UtcNow); // young again: the sweep leaves it while its new row is written
            else
                File.Move(temporary, final, overwrite: true);
            return new StoredContent(sha, size);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    public Stream? OpenRead(string sha256)
    {
        if (!IsSha256(sha256)) return null;
        try
        {
            return new FileStream(PathOf(sha256), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public IEnumerable<(string Sha256, DateTime LastWrittenUtc)> List()
    {
        if (!Directory.Exists(Contents)) yield break;
        foreach (var file in new DirectoryInfo(Contents).EnumerateFiles("*", SearchOption.AllDirectories))
            if (IsSha256(file.Name)) yield return (file.Name, file.LastWriteTimeUtc);
    }

    public void Delete(string sha256)
    {
        if (IsSha256(sha256)) File.Delete(PathOf(sha256));
    }

    private string PathOf(string sha256) => Path.Combine(Contents, sha256[..2], sha256);

    // Only names this store made are ever turned into paths.
    private static bool IsSha256(string text) => text.Length == 64 && text.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
