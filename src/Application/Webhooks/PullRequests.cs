using System.Text.Json;

namespace Comet.Application.Webhooks;

/// <summary>Pull requests as GitHub shapes them; Gitea copies the shape with its own action names.</summary>
internal static class PullRequests
{
    public static ForgeEvent FromGithubStyle(
        string forge,
        JsonElement root,
        IReadOnlyList<string> repositoryUrls,
        string? sender,
        string[] repositoryUrlFields,
        params string[] actionsThatRun)
    {
        var payload = $"{forge} pull_request payload";
        var pullRequest = root.Obj("pull_request") ?? throw new WebhookPayloadException($"{payload} has no 'pull_request' object.");
        var baseSide = pullRequest.Obj("base");
        // The webhook lives on the base repository; the head repository may be a stranger's fork.
        var urls = PayloadReader.Distinct(repositoryUrls, baseSide?.Obj("repo").Urls(repositoryUrlFields) ?? []);

        var action = root.Str("action");
        if (action is null || !actionsThatRun.Contains(action, StringComparer.Ordinal))
            return ForgeEvent.Ignored($"pull request action '{action}' does not start runs", urls, sender);

        var number = PushEvents.Number(root.Str("number") ?? pullRequest.Str("number"), payload, "number");
        var head = pullRequest.Obj("head") ?? throw new WebhookPayloadException($"{payload} has no 'pull_request.head' object.");
        var sha = PushEvents.Sha(head.Str("sha"), payload, "pull_request.head.sha");
        // Fork or not, the forge keeps the head commit in the base repository under this ref.
        var fetchRef = $"refs/pull/{number}/head";
        return new ForgeEvent(
            ForgeEventKind.PullRequest,
            fetchRef,
            sha,
            PushEvents.RefName(head.Str("ref"), payload, "pull_request.head.ref"),
            Tag: null,
            PushEvents.RefName(baseSide?.Str("ref"), payload, "pull_request.base.ref"),
            fetchRef,
            number,
            CommitMessage: null,
            SkipCi: false,
            urls,
            ChangedFiles: null,
            sender,
            Reason: null,
            FromFork: IsFromFork(head.Obj("repo"), baseSide?.Obj("repo")));
    }

    /// <summary>
    /// The head repository is another than the base one. A head repository the payload does not name (a deleted fork)
    /// counts as a fork: when in doubt, a pull request gets no secrets.
    /// </summary>
    private static bool IsFromFork(JsonElement? headRepository, JsonElement? baseRepository)
    {
        if (headRepository is not { } head || baseRepository is not { } baseRepo) return true;
        if (head.Str("id") is { } headId && baseRepo.Str("id") is { } baseId) return headId != baseId;
        return head.Str("full_name") is not { } headName || !string.Equals(headName, baseRepo.Str("full_name"), StringComparison.OrdinalIgnoreCase);
    }
}
