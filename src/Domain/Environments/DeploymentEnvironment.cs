namespace Comet.Domain.Environments;

/// <summary>
/// A place a project deploys to (production, staging). It exists once a job names it in <c>environment:</c> (the row is
/// made on first use, one per project and name, and remembers the latest url a job gave for it) or once a maintainer
/// sets its protection rules, whichever comes first.
/// </summary>
public sealed class DeploymentEnvironment
{
    public const int MaxNameLength = 64;
    public const int MaxUrlLength = 2048;
    public const int MaxRequiredApprovals = 10;
    public const int MaxRefPatterns = 50;

    private DeploymentEnvironment() { }

    public DeploymentEnvironment(Guid projectId, string name, string? url, DateTime now)
    {
        if (!IsValidName(name)) throw new Common.DomainException($"'{name}' is not an environment name.");
        Id = Guid.CreateVersion7();
        ProjectId = projectId;
        Name = name;
        Url = url;
        CreatedAt = now;
    }

    public Guid Id { get; private set; }
    public Guid ProjectId { get; private set; }
    public string Name { get; private set; } = "";

    /// <summary>Where the environment can be seen, as the latest job (or maintainer) gave it.</summary>
    public string? Url { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>How many people must approve a job that deploys here before it starts; 0: none.</summary>
    public int RequiredApprovals { get; private set; }

    /// <summary>Branch patterns (globs) that may deploy here. With <see cref="Tags"/> both empty, any ref may.</summary>
    public List<string> Branches { get; private set; } = [];

    /// <summary>Tag patterns (globs) that may deploy here.</summary>
    public List<string> Tags { get; private set; } = [];

    /// <summary>Whether whoever caused the run may approve its deploy; off by default: a second person must look.</summary>
    public bool AllowSelfApproval { get; private set; }

    /// <summary>How long a deploy waits for its approvals before it fails with "approval timed out"; null: no limit.</summary>
    public TimeSpan? ApprovalTimeout { get; private set; }

    /// <summary>One deployment here at a time; a newer run's deploy makes an older one still waiting skip.</summary>
    public bool DeployLock { get; private set; }
    public DateTime? UpdatedAt { get; private set; }

    /// <summary>Any rule at all: a ref limit, approvals or a lock.</summary>
    public bool IsProtected => RequiredApprovals > 0 || Branches.Count > 0 || Tags.Count > 0 || DeployLock;

    /// <summary>Letters, digits and <c>_ . -</c>, 1 to 64 of them: safe in a URL path and in a secret's scope key.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');

    /// <summary>Replaces the protection rules as a whole (the PUT's meaning: fields left out go back to their defaults).</summary>
    public void Protect(EnvironmentRules rules, DateTime now)
    {
        if (rules.RequiredApprovals is < 0 or > MaxRequiredApprovals)
            throw new Common.DomainException($"requiredApprovals is between 0 and {MaxRequiredApprovals}.");
        if (rules.Branches.Count > MaxRefPatterns || rules.Tags.Count > MaxRefPatterns)
            throw new Common.DomainException($"An environment takes at most {MaxRefPatterns} branch and {MaxRefPatterns} tag patterns.");
        if (rules.ApprovalTimeout is { } timeout && timeout <= TimeSpan.Zero)
            throw new Common.DomainException("approvalTimeout is a positive duration.");
        RequiredApprovals = rules.RequiredApprovals;
        Branches = [.. rules.Branches];
        Tags = [.. rules.Tags];
        AllowSelfApproval = rules.AllowSelfApproval;
        ApprovalTimeout = rules.ApprovalTimeout;
        DeployLock = rules.DeployLock;
        if (rules.Url is not null) Url = rules.Url;
        UpdatedAt = now;
    }
}

/// <summary>An environment's protection rules as a maintainer sets them.</summary>
public sealed record EnvironmentRules(
    int RequiredApprovals,
    IReadOnlyList<string> Branches,
    IReadOnlyList<string> Tags,
    bool AllowSelfApproval,
    TimeSpan? ApprovalTimeout,
    bool DeployLock,
    string? Url = null);
