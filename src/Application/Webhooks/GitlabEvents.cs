using System.Text.Json;

namespace Comet.Application.Webhooks;

/// <summary>GitLab deliveries (X-Gitlab-Event): Push Hook, Tag Push Hook, Merge Request Hook, and the same kinds as System Hook.</summary>
internal static class GitlabEvents
{
    private const string Forge = "GitLab";

    // GitLab lists at most 20 commits; total_commits_count says how many were pushed.
    private const int CommitCap = 20;

    internal static readonly string[] ProjectUrlFields = ["git_http_url", "git_ssh_url", "web_url", "http_url", "ssh_url", "homepage", "url"];
    internal static readonly string[] RepositoryUrlFields = ["url", "homepage", "git_http_url", "git_ssh_url"];

    public static ForgeEvent Parse(string eventName, JsonElement root)
    {
        var urls = PayloadReader.Distinct(
            root.Obj("project").Urls(ProjectUrlFields),
            root.Obj("repository").Urls(RepositoryUrlFields));
        // System hooks (and a missing header) carry the kind in the body.
        var kind = eventName.ToLowerInvariant() switch
        {
            "push hook" => "push",
            "tag push hook" => "tag_push",
            "merge request hook" => "merge_request",
            "system hook" or "" => root.Str("object_kind") ?? root.Str("event_name"),
            _ => null,
        };
        return kind switch
        {
            "push" or "tag_push" => Push(root, urls),
            "merge_request" => MergeRequest(root, urls),
            _ when eventName.Length == 0 => ForgeEvent.Ignored("the delivery names no event (X-Gitlab-Event header missing)", urls, Pusher(root)),
            null => ForgeEvent.Ignored($"event '{eventName}' does not start runs", urls, Pusher(root) ?? MergeRequestUser(root)),
            _ => ForgeEvent.Ignored($"event '{eventName}' ({kind}) does not start runs", urls, Pusher(root) ?? MergeRequestUser(root)),
        };
    }

    private static string? Pusher(JsonElement root) => root.Str("user_username") ?? root.Str("user_name");

    private static string? MergeRequestUser(JsonElement root) => root.Obj("user")?.Str("username") ?? root.Obj("user")?.Str("name");

    private static ForgeEvent Push(JsonElement root, IReadOnlyList<string> urls) =>
        PushEvents.From(new PushFacts(
            Forge,
            root.Str("ref"),
            root.Str("after"),
            // checkout_sha is the commit, also for annotated tags, where "after" names the tag object.
            root.Str("checkout_sha"),
            DeletedFlag: false,
            HeadCommit: null,
            root.Array("commits"),
            root.Long("total_commits_count"),
            CommitCap,
            urls,
            Pusher(root)));

    private static ForgeEvent MergeRequest(JsonElement root, IReadOnlyList<string> projectUrls)
    {
        const string payload = "GitLab merge request payload";
        var sender = MergeRequestUser(root);
        var attributes = root.Obj("object_attributes") ?? throw new WebhookPayloadException($"{payload} has no 'object_attributes' object.");
        // The target project is where the webhook lives; the source project may be a fork.
        var urls = PayloadReader.Distinct(projectUrls, attributes.Obj("target").Urls(ProjectUrlFields));

        var action = attributes.Str("action");
        switch (action)
        {
            case "open" or "reopen":
                break;
            // "update" also fires for title, label and assignee changes; only an oldrev says new commits arrived.
            case "update" when attributes.Str("oldrev") is not null:
                break;
            case "update":
                return ForgeEvent.Ignored("merge request action 'update' without new commits does not start runs", urls, sender);
            default:
                return ForgeEvent.Ignored($"merge request action '{action}' does not start runs", urls, sender);
        }

        var iid = PushEvents.Number(attributes.Str("iid"), payload, "object_attributes.iid");
        var lastCommit = attributes.Obj("last_commit");
        var sha = PushEvents.Sha(lastCommit?.Str("id"), payload, "object_attributes.last_commit.id");
        var message = lastCommit?.Str("message");
        var fetchRef = $"refs/merge-requests/{iid}/head";
        return new ForgeEvent(
            ForgeEventKind.PullRequest,
            fetchRef,
            sha,
            PushEvents.RefName(attributes.Str("source_branch"), payload, "object_attributes.source_branch"),
            Tag: null,
            PushEvents.RefName(attributes.Str("target_branch"), payload, "object_attributes.target_branch"),
            fetchRef,
            iid,
            message,
            PushEvents.AsksToSkipCi(message),
            urls,
            ChangedFiles: null,
            sender,
            Reason: null,
            // The source project is another than the target one (a fork); unknown counts as a fork.
            FromFork: attributes.Str("source_project_id") is not { } source || source != attributes.Str("target_project_id"));
    }
}
