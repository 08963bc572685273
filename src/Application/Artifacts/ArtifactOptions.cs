namespace Comet.Application.Artifacts;

/// <summary>Settings under <c>Artifacts:</c>: how long files are kept, how big they may be, how often the sweep runs.</summary>
public sealed class ArtifactOptions
{
    public const string Section = "Artifacts";

    /// <summary>Kept this long when the pipeline file gives no <c>expire_in</c>.</summary>
    public TimeSpan DefaultExpiry { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A bigger file is not kept (the job gets a warning).</summary>
    public long MaxFileBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>All of one job attempt's artifacts together; files past it are not kept.</summary>
    public long MaxJobBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>At most this many files per job attempt.</summary>
    public int MaxFilesPerJob { get; set; } = 10_000;

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A stored file no artifact refers to is removed only once it is this old, so a job that is saving the same
    /// content right now (its row not written yet) does not lose it.
    /// </summary>
    public TimeSpan OrphanGrace { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Deprecated alias of <c>Comet:PublicUrl</c> (which wins when both are set): the public address every link uses.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>The longest a signed URL may be valid.</summary>
    public TimeSpan MaxUrlLifetime { get; set; } = TimeSpan.FromDays(7);
}
