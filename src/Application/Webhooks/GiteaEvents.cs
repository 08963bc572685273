using System.Text.Json;

namespace Comet.Application.Webhooks;

/// <summary>Gitea (and Forgejo, and generic forges that copy it) deliveries (X-Gitea-Event): push, pull_request, delete.</summary>
internal static class GiteaEvents
{
    private const string Forge = "Gitea";

    internal static readonly string[] RepositoryUrlFields = ["clone_url", "ssh_url", "html_url", "url", "original_url"];

    public static ForgeEvent Parse(string eventName, JsonElement root)
    {
        var urls = root.Obj("repository").Urls(RepositoryUrlFields);
        var sender = root.Obj("sender")?.Str("login") ?? root.Obj("sender")?.Str("username") ?? root.Obj("pusher")?.Str("login");
        return eventName switch
        {
            "push" => PushEvents.From(new PushFacts(
                Forge,
                root.Str("ref"),
                root.Str("after"),
                root.Obj("head_commit")?.Str("id"),
                DeletedFlag: false,
                root.Obj("head_commit"),
                root.Array("commits"),
                // Gitea lists only the newest few commits and says how many there were.
                root.Long("total_commits"),
                CommitCap: null,
                urls,
                sender)),
            // Gitea sends X-Gitea-Event: pull_request for every pull request change; the sync type is accepted too.
            "pull_request" or "pull_request_sync" => PullRequests.FromGithubStyle(
                Forge, root, urls, sender, RepositoryUrlFields, "opened", "synchronized", "synchronize", "reopened"),
            // Gitea sends no push for a deleted branch or tag, only this.
            "delete" => PushEvents.FromDeleteEvent(Forge, root, urls, sender),
            "create" => ForgeEvent.Ignored("event 'create' does not start runs (the push event for the same ref does)", urls, sender),
            "" => ForgeEvent.Ignored("the delivery names no event (X-Gitea-Event header missing)", urls, sender),
            _ => ForgeEvent.Ignored($"event '{eventName}' does not start runs", urls, sender),
        };
    }
}
