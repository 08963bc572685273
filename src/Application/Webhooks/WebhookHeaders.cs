using Comet.Domain.Projects;

namespace Comet.Application.Webhooks;

/// <summary>The header names one forge uses for its event name, delivery id and signature (GitLab: the secret token).</summary>
public sealed record ForgeHeaders(string EventHeader, string DeliveryHeader, string? SignatureHeader);

public static class WebhookHeaders
{
    public static readonly ForgeHeaders Github = new("X-GitHub-Event", "X-GitHub-Delivery", "X-Hub-Signature-256");
    public static readonly ForgeHeaders Gitlab = new("X-Gitlab-Event", "X-Gitlab-Event-UUID", "X-Gitlab-Token");
    public static readonly ForgeHeaders Gitea = new("X-Gitea-Event", "X-Gitea-Delivery", "X-Gitea-Signature");

    /// <summary>Generic forges are treated like Gitea, whose signing scheme Forgejo, Gogs and most self-hosted forges share.</summary>
    public static ForgeHeaders For(Forge forge) => forge switch
    {
        Forge.Github => Github,
        Forge.Gitlab => Gitlab,
        Forge.Gitea or Forge.Generic => Gitea,
        _ => throw new ArgumentOutOfRangeException(nameof(forge), forge, "Unknown forge."),
    };
}
