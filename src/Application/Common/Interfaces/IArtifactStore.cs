namespace Comet.Application.Common.Interfaces;

/// <summary>
/// Content-addressed file storage for artifacts: each distinct content is kept once under its SHA-256, whichever
/// jobs made it. Rows in the database say which job kept which path; the store only knows contents.
/// </summary>
public interface IArtifactStore
{
    /// <summary>
    /// Copies <paramref name="content"/> into the store and returns its SHA-256 (lowercase hex) and size; null when it
    /// is longer than <paramref name="maxBytes"/> (nothing is kept then).
    /// </summary>
    Task<StoredContent?> SaveAsync(Stream content, long maxBytes, CancellationToken cancellationToken);

    /// <summary>The content, or null when it is not (or no longer) stored.</summary>
    Stream? OpenRead(string sha256);

    /// <summary>Every stored content with when it was last written (saving existing content again counts).</summary>
    IEnumerable<(string Sha256, DateTime LastWrittenUtc)> List();

    void Delete(string sha256);
}

public sealed record StoredContent(string Sha256, long Size);

/// <summary>The secret that signs artifact download URLs; the same on every node that serves them.</summary>
public interface IArtifactUrlKey
{
    byte[] Key { get; }
}
