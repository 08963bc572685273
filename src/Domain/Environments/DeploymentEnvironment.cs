namespace Comet.Domain.Environments;

/// <summary>
/// A place a project deploys to (production, staging). It exists once a job names it in <c>environment:</c>: the row is
/// made on first use, one per project and name, and remembers the latest url a job gave for it.
/// </summary>
public sealed class DeploymentEnvironment
{
    public const int MaxNameLength = 64;
    public const int MaxUrlLength = 2048;

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

    /// <summary>Where the environment can be seen, as the latest job that named one gave it.</summary>
    public string? Url { get; private set; }
    public DateTime CreatedAt { get; private set; }

    /// <summary>Letters, digits and <c>_ . -</c>, 1 to 64 of them: safe in a URL path and in a secret's scope key.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-');
}
