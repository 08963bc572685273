namespace Comet.Domain.Outbound;

/// <summary>
/// A project's choice to report its runs back to its forge as commit statuses: where the forge's API is, which project
/// secret holds the token (its name only), whether each job gets a status of its own, and which repository on the
/// forge the statuses go to when it cannot be read from the project's repository URL.
/// </summary>
public sealed class ForgeStatusSetting
{
    public const int MaxApiUrlLength = 300;
    public const int MaxRepositoryLength = 200;

    private ForgeStatusSetting() { }

    public ForgeStatusSetting(Guid projectId, DateTime now)
    {
        Id = Guid.CreateVersion7();
        ProjectId = projectId;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid ProjectId { get; private set; }

    /// <summary>As given; null: the forge's public API (GitHub, GitLab).</summary>
    public string? ApiUrl { get; private set; }
    public string TokenSecret { get; private set; } = "";
    public bool PerJob { get; private set; }

    /// <summary>"owner/repo" (GitLab: "group/sub/repo") as given; null: read from the project's repository URL.</summary>
    public string? Repository { get; private set; }
    public string? UpdatedBy { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    public void Set(string? apiUrl, string tokenSecret, bool perJob, string? repository, string? by, DateTime now)
    {
        ApiUrl = apiUrl;
        TokenSecret = tokenSecret;
        PerJob = perJob;
        Repository = repository;
        UpdatedBy = by;
        UpdatedAt = now;
    }
}
