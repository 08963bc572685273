namespace Comet.Domain.Identity;

/// <summary>A GitHub or GitLab account linked to a Comet user, by the provider's own (stable) user id.</summary>
public sealed class ExternalLogin
{
    private ExternalLogin() { }

    public ExternalLogin(string provider, string externalId, Guid userId, DateTime linkedAt)
    {
        Provider = provider;
        ExternalId = externalId;
        UserId = userId;
        LinkedAt = linkedAt;
    }

    /// <summary>"github" or "gitlab".</summary>
    public string Provider { get; private set; } = "";
    public string ExternalId { get; private set; } = "";
    public Guid UserId { get; private set; }
    public DateTime LinkedAt { get; private set; }
}
