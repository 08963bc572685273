using System.Text.Json;

namespace Comet.Application.Webhooks;

/// <summary>GitHub deliveries (X-GitHub-Event): push, pull_request, ping, delete.</summary>
internal static class GithubEvents
{
    private const string Forge = "GitHub";

    // GitHub has no total commit count and has cut "commits" at 20 (now documented as 2048); a list of 20 or more
    // may be incomplete, and running a pipeline a path filter would have skipped is cheaper than missing one.
    private const int CommitCap = 20;

    internal static readonly string[] RepositoryUrlFields = ["clone_url", "ssh_url", "git_url", "html_url", "url", "svn_url"];

    public static ForgeEvent Parse(string eventName, JsonElement root)
    {
        var urls = RepositoryUrls(root.Obj("repository"));
        var sender = root.Obj("sender")?.Str("login") ?? root.Obj("pusher")?.Str("name");
        return eventName switch
        {
            "push" => PushEvents.From(new PushFacts(
                Forge,
                root.Str("ref"),
                root.Str("after"),
                root.Obj("head_commit")?.Str("id"),
                root.Bool("deleted"),
                root.Obj("head_commit"),
                root.Array("commits"),
                TotalCommits: null,
                CommitCap,
                urls,
                sender)),
            "pull_request" => PullRequests.FromGithubStyle(Forge, root, urls, sender, RepositoryUrlFields, "opened", "synchronize", "reopened"),
            "ping" => Ping(root, urls, sender),
            "delete" => PushEvents.FromDeleteEvent(Forge, root, urls, sender),
            "create" => ForgeEvent.Ignored("event 'create' does not start runs (the push event for the same ref does)", urls, sender),
            "" => ForgeEvent.Ignored("the delivery names no event (X-GitHub-Event header missing)", urls, sender),
            _ => ForgeEvent.Ignored($"event '{eventName}' does not start runs", urls, sender),
        };
    }

    internal static IReadOnlyList<string> RepositoryUrls(JsonElement? repository) => repository.Urls(RepositoryUrlFields);

    private static ForgeEvent Ping(JsonElement root, IReadOnlyList<string> urls, string? sender)
    {
        var hookId = root.Str("hook_id") ?? root.Obj("hook")?.Str("id");
        var zen = root.Str("zen");
        var reason = (hookId, zen) switch
        {
            (null, null) => "ping",
            (null, _) => $"ping: {zen}",
            (_, null) => $"ping from hook {hookId}",
            _ => $"ping from hook {hookId}: {zen}",
        };
        return new ForgeEvent(ForgeEventKind.Ping, null, null, null, null, null, null, null, null, false, urls, null, sender, reason);
    }
}
