namespace Comet.Domain.Projects;

/// <summary>A repository Comet builds.</summary>
public sealed class Project
{
    public const string DefaultPipelineFile = ".comet.yml";
    public const int MaxRejectionReasonLength = 512;

    private Project() { }

    public Project(string name, string slug, string repoUrl, string defaultBranch, Forge forge,
        string pipelineFile, string webhookSecret, DateTime now)
    {
        Id = Guid.CreateVersion7();
        Name = name;
        NormalizedName = Normalize(name);
        Slug = slug;
        RepoUrl = repoUrl;
        DefaultBranch = defaultBranch;
        Forge = forge;
        PipelineFile = pipelineFile;
        WebhookSecret = webhookSecret;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public Guid Id { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>
    /// The name as compared for uniqueness ("My App" and "MY APP" clash). Kept in its own column with a
    /// unique index because database lower() functions differ (SQLite's only folds ASCII).
    /// </summary>
    public string NormalizedName { get; private set; } = "";

    /// <summary>Stable URL name; it does not change when the project is renamed, so links and hooks keep working.</summary>
    public string Slug { get; private set; } = "";
    public string RepoUrl { get; private set; } = "";
    public string DefaultBranch { get; private set; } = "main";
    public Forge Forge { get; private set; }
    public string PipelineFile { get; private set; } = DefaultPipelineFile;

    /// <summary>Shared secret for webhook signatures. Returned once at creation, never listed again.</summary>
    public string WebhookSecret { get; private set; } = "";
    public DateTime CreatedAt { get; private set; }
    public DateTime UpdatedAt { get; private set; }

    /// <summary>
    /// Webhook deliveries refused for this project (missing or wrong signature). They are counted, not stored one by
    /// one, so a stranger posting unsigned requests cannot fill the deliveries table; the count is raised by one
    /// UPDATE in the database, never read and written back.
    /// </summary>
    public long RejectedDeliveries { get; private set; }

    /// <summary>When the last delivery was refused; null if none ever was.</summary>
    public DateTime? LastRejectedAt { get; private set; }

    /// <summary>Why the last delivery was refused, in words that do not depend on what the sender put in the body.</summary>
    public string? LastRejectionReason { get; private set; }

    /// <summary>Which older runs a newer push cancels; see <see cref="AutoCancelBranches"/>.</summary>
    public AutoCancelBranches AutoCancelBranches { get; private set; } = AutoCancelBranches.NonDefault;

    /// <summary>A newer push to a pull request cancels that pull request's older runs still queued or running.</summary>
    public bool AutoCancelPullRequests { get; private set; } = true;

    public void SetAutoCancel(AutoCancelBranches branches, bool pullRequests, DateTime now)
    {
        AutoCancelBranches = branches;
        AutoCancelPullRequests = pullRequests;
        UpdatedAt = now;
    }

    /// <summary>Whether a newer push of <paramref name="branch"/> cancels the branch's older runs.</summary>
    public bool AutoCancelsBranch(string branch) => AutoCancelBranches switch
    {
        AutoCancelBranches.All => true,
        AutoCancelBranches.NonDefault => branch != DefaultBranch,
        _ => false,
    };

    public void Update(string name, string repoUrl, string defaultBranch, Forge forge, string pipelineFile, DateTime now)
    {
        Name = name;
        NormalizedName = Normalize(name);
        RepoUrl = repoUrl;
        DefaultBranch = defaultBranch;
        Forge = forge;
        PipelineFile = pipelineFile;
        UpdatedAt = now;
    }

    /// <summary>A new secret for the forge's webhook signatures; deliveries signed with the old one are refused from now on.</summary>
    public void ReplaceWebhookSecret(string secret, DateTime now)
    {
        WebhookSecret = secret;
        UpdatedAt = now;
    }

    public static string Normalize(string name) => name.Trim().ToUpperInvariant();
}

/// <summary>
/// Which branches' older runs a newer push cancels. The default branch is left alone by default: its runs are the
/// project's record (a deploy, a release), and two merges in a row should both be built.
/// </summary>
public enum AutoCancelBranches
{
    NonDefault,
    All,
    None,
}
