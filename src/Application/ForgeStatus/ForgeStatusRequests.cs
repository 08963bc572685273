using System.Text.Json;
using Comet.Application.Outbound;
using Comet.Domain.Projects;

namespace Comet.Application.ForgeStatus;

/// <summary>One commit status as Comet means it, before it is spelt the way a forge wants.</summary>
/// <param name="Status">The run's or job's status in Comet's words: pending, running, success, failed, cancelled, error, skipped, waiting_for_approval.</param>
/// <param name="Context">"comet", or "comet/&lt;job name&gt;" for a job.</param>
/// <param name="Ref">The branch or tag (GitLab's ref).</param>
/// <param name="Coverage">The run's line coverage in percent, when it has one (GitLab only).</param>
public sealed record CommitStatus(string Sha, string Status, string Context, string Description, string TargetUrl, string? Ref, double? Coverage);

/// <summary>
/// Spells a commit status as each forge's API wants it: GitHub and Gitea <c>POST /repos/{owner}/{repo}/statuses/{sha}</c>
/// with state/context/description/target_url; GitLab <c>POST /projects/{url-encoded path}/statuses/{sha}</c> with
/// state/name/ref/target_url/description/coverage. The token is not here: it is a credential filled in at send time.
/// </summary>
public static class ForgeStatusRequests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>GitHub's and Gitea's word for a Comet status (Gitea also knows "warning", which Comet has no use for).</summary>
    public static string GithubState(string status) => status switch
    {
        "pending" or "running" or "waiting_for_approval" or "created" => "pending",
        "success" => "success",
        "failed" => "failure",
        _ => "error", // cancelled, error, skipped
    };

    public static string GitlabState(string status) => status switch
    {
        "pending" or "created" or "waiting_for_approval" => "pending",
        "running" => "running",
        "success" => "success",
        "cancelled" => "canceled",
        "skipped" => "skipped",
        _ => "failed", // failed, error
    };

    public static OutboundCredential Credential(Forge forge, Guid projectId, string tokenSecret) => forge switch
    {
        Forge.Gitlab => new OutboundCredential(projectId, tokenSecret, "PRIVATE-TOKEN", "{0}"),
        Forge.Gitea => new OutboundCredential(projectId, tokenSecret, "Authorization", "token {0}"),
        _ => new OutboundCredential(projectId, tokenSecret, "Authorization", "Bearer {0}"),
    };

    public static HttpPayload Build(ForgeTarget target, CommitStatus status)
    {
        switch (target.Forge)
        {
            case Forge.Gitlab:
            {
                var body = new Dictionary<string, object?>
                {
                    ["state"] = GitlabState(status.Status),
                    ["name"] = status.Context,
                    ["ref"] = status.Ref,
                    ["target_url"] = status.TargetUrl,
                    ["description"] = status.Description,
                };
                if (status.Coverage is { } coverage) body["coverage"] = coverage;
                if (status.Ref is null) body.Remove("ref");
                return new HttpPayload("POST", $"{target.ApiUrl}/projects/{Uri.EscapeDataString(target.Repository)}/statuses/{status.Sha}",
                    new Dictionary<string, string>(), JsonSerializer.Serialize(body, Json));
            }
            case Forge.Gitea:
                return new HttpPayload("POST", $"{target.ApiUrl}/repos/{target.Repository}/statuses/{status.Sha}",
                    new Dictionary<string, string> { ["Accept"] = "application/json" }, GithubStyleBody(status));
            default:
                return new HttpPayload("POST", $"{target.ApiUrl}/repos/{target.Repository}/statuses/{status.Sha}",
                    new Dictionary<string, string> { ["Accept"] = "application/vnd.github+json", ["X-GitHub-Api-Version"] = "2022-11-28" },
                    GithubStyleBody(status));
        }
    }

    private static string GithubStyleBody(CommitStatus status) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["state"] = GithubState(status.Status),
        ["context"] = status.Context,
        ["description"] = status.Description,
        ["target_url"] = status.TargetUrl,
    }, Json);

    public static string ForgeName(Forge forge) => forge switch
    {
        Forge.Github => "GitHub",
        Forge.Gitlab => "GitLab",
        Forge.Gitea => "Gitea",
        _ => forge.ToString(),
    };
}
