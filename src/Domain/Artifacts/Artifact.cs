namespace Comet.Domain.Artifacts;

/// <summary>
/// A file a job attempt kept. The bytes live once in content-addressed storage under their SHA-256; this row says
/// which job made the file, where it was in the workspace and until when it is kept.
/// </summary>
public sealed class Artifact
{
    /// <summary>The longest workspace path the column holds (PostgreSQL enforces it); a file with a longer path is not kept.</summary>
    public const int MaxPathLength = 1024;

    private Artifact() { }

    public Artifact(Guid projectId, Guid runId, Guid jobId, string jobName, int attempt, string path, long size, string sha256,
        DateTime createdAt, DateTime expiresAt)
    {
        if (expiresAt <= createdAt) throw new Common.DomainException($"Artifact '{path}' would expire before it was made.");
        Id = Guid.CreateVersion7();
        ProjectId = projectId;
        RunId = runId;
        JobId = jobId;
        JobName = jobName;
        Attempt = attempt;
        Path = path;
        Size = size;
        Sha256 = sha256;
        CreatedAt = createdAt;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }
    public Guid ProjectId { get; private set; }
    public Guid RunId { get; private set; }
    public Guid JobId { get; private set; }
    public string JobName { get; private set; } = "";
    public int Attempt { get; private set; }

    /// <summary>Relative to the workspace, with forward slashes: where the file is placed again for jobs that need it.</summary>
    public string Path { get; private set; } = "";
    public long Size { get; private set; }

    /// <summary>The file could be run (its owner's execute bit): placed again as executable, so a built tool still runs.</summary>
    public bool Executable { get; set; }
    public string Sha256 { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime ExpiresAt { get; private set; }

    public bool HasExpired(DateTime now) => now >= ExpiresAt;
}
