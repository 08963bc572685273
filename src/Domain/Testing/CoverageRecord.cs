namespace Comet.Domain.Testing;

/// <summary>Line and branch counts, and the rates they make (null when there is nothing to cover).</summary>
public sealed record CoverageCounts(int LinesCovered, int LinesValid, int BranchesCovered, int BranchesValid)
{
    public static readonly CoverageCounts None = new(0, 0, 0, 0);

    public double? LineRate => LinesValid == 0 ? null : (double)LinesCovered / LinesValid;
    public double? BranchRate => BranchesValid == 0 ? null : (double)BranchesCovered / BranchesValid;

    public CoverageCounts Plus(CoverageCounts other) => new(LinesCovered + other.LinesCovered, LinesValid + other.LinesValid,
        BranchesCovered + other.BranchesCovered, BranchesValid + other.BranchesValid);
}

/// <summary>One file's coverage inside a <see cref="CoverageRecord"/>.</summary>
public sealed record CoverageFileEntry(string Path, int LinesCovered, int LinesValid, int BranchesCovered, int BranchesValid);

/// <summary>
/// The coverage one job attempt reported (its Cobertura files merged), with the run's branch and commit copied
/// for the trend per branch. Per-file figures are read with the record, never queried alone: one JSON column.
/// </summary>
public sealed class CoverageRecord
{
    private CoverageRecord() { }

    public CoverageRecord(Guid projectId, Guid runId, Guid jobId, string jobName, int attempt, CoverageCounts counts,
        IEnumerable<CoverageFileEntry> files, string? branch, string? commitSha, DateTime createdAt)
    {
        Id = Guid.CreateVersion7();
        ProjectId = projectId;
        RunId = runId;
        JobId = jobId;
        JobName = jobName;
        Attempt = attempt;
        LinesCovered = counts.LinesCovered;
        LinesValid = counts.LinesValid;
        BranchesCovered = counts.BranchesCovered;
        BranchesValid = counts.BranchesValid;
        Files = [.. files];
        Branch = branch;
        CommitSha = commitSha;
        CreatedAt = createdAt;
    }

    public Guid Id { get; private set; }
    public Guid ProjectId { get; private set; }
    public Guid RunId { get; private set; }
    public Guid JobId { get; private set; }
    public string JobName { get; private set; } = "";
    public int Attempt { get; private set; }
    public int LinesCovered { get; private set; }
    public int LinesValid { get; private set; }
    public int BranchesCovered { get; private set; }
    public int BranchesValid { get; private set; }
    public List<CoverageFileEntry> Files { get; private set; } = [];
    public string? Branch { get; private set; }
    public string? CommitSha { get; private set; }
    public DateTime CreatedAt { get; private set; }

    public CoverageCounts Counts => new(LinesCovered, LinesValid, BranchesCovered, BranchesValid);
}
